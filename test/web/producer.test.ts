/**
 * The producer's import page in a real Chromium, over the real API, Redis, both simulators and an import
 * worker: a file chosen from the keyboard with one bad row, live progress to the end, the refused row with
 * its line, column, value and reason, then the fixed row dropped on the page and imported again.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type TestBridge } from '../api/support.js';
import {
  producerColumns,
  producerCsv,
  producerHeader,
  producerRow,
  startImportWorker,
} from '../import/support.js';
import {
  activeId,
  inPage,
  launchChromium,
  listen,
  tableHeadings,
  unnamedControls,
  type Listening,
} from './browser.js';

const screenshots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

let bridge: TestBridge;
let worker: Worker;
let server: Listening;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  bridge = await startBridge();
  worker = startImportWorker(bridge);
  server = await listen(bridge.app);
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await server?.close();
  await worker?.close();
  await bridge?.close();
});

async function openPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  // Playwright turns file-chooser interception on lazily, with the first listener, and does not wait for
  // Chromium to confirm it: a key pressed right after `waitForEvent('filechooser')` can open an unseen
  // native chooser instead. A listener from the start, confirmed before the page loads, closes that race.
  page.on('filechooser', () => {});
  const response = await page.goto(`${server.url}/producer`);
  expect(response?.status()).toBe(200);
  return page;
}

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
const mapFile = {
  name: 'columns.json',
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(producerColumns)),
};

/** Chooses a file for the input focused now, from the keyboard: Space opens the file chooser. */
async function chooseByKeyboard(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles(file);
}

describe("the producer's import page", () => {
  it('serves its files under the strict Content-Security-Policy', async () => {
    for (const path of ['/producer', '/web/producer.js', '/web/producer.css']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toMatch(
        /default-src 'none'; script-src 'self'/,
      );
    }
  });

  it('imports a file from the keyboard alone with live progress, lists the refused row, and takes the fixed row dropped on it', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const bad = (n: number) => n === 7;
    await page.keyboard.press('Tab'); // the link to the lookup page
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('api-key');
    await page.keyboard.type('demo-producer-key');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('file');
    await chooseByKeyboard(page, csvFile('week15.csv', producerCsv(600, { batch: 'PAGE', bad })));
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('columns');
    await chooseByKeyboard(page, mapFile);
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('submit');
    expect(await inPage(page, 'getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');

    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
      .toMatch(/done: 599 registered, 0 unchanged, 1 refused/);
    expect(await page.locator('#progress').getAttribute('value')).toBe('100');
    const refused = page.locator('#refused tbody tr');
    await expect.poll(() => refused.count()).toBe(1);
    expect(await refused.locator('td').allTextContents()).toEqual([
      '8',
      'Wt (g)',
      '0.5 ct',
      expect.stringMatching(/in grams/),
    ]);
    expect(await inPage(page, 'location.href')).toBe(`${server.url}/producer`);
    await page.screenshot({ path: join(screenshots, 'producer-desktop.png'), fullPage: true });

    // The fixed row, dropped on the box as a file.
    const fixed = `${producerHeader}\r\n${producerRow(7, 'PAGE')}\r\n`;
    await inPage(
      page,
      `(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([${JSON.stringify(fixed)}], 'fixed.csv', { type: 'text/csv' }));
        document.getElementById('drop').dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      })()`,
    );
    await expect.poll(() => page.locator('#file-hint').textContent()).toMatch(/fixed\.csv \(dropped\)/);
    await page.locator('#submit').click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
      .toMatch(/fixed\.csv done: 1 registered, 0 unchanged, 0 refused/);
    expect(await page.locator('#refused-section').isHidden()).toBe(true);
    const id = await bridge.built.services.store.identity.findByIdentifier(
      'roughControlNumber',
      'RC-PAGE-000007',
      'demo-mining',
    );
    expect(id).toMatch(/^tb_/);
    // Two imports of up to a minute each on a loaded machine: the polls above bound each step.
  }, 180_000);

  it('labels every control, and gives its table a caption and scoped headers', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    expect(await unnamedControls(page, 'input, select, button, [role=region], progress')).toEqual([]);
    const tables = await tableHeadings(page);
    expect(tables).toHaveLength(4);
    for (const table of tables) {
      expect(table.caption).toMatch(/\w/);
      expect(table.unscoped).toBe(0);
    }
    expect(await page.locator('#status').getAttribute('aria-live')).toBe('polite');
  });

  it('fits a phone screen without the page scrolling sideways, refused rows shown', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await page.locator('#api-key').fill('demo-producer-key');
    await page
      .locator('#file')
      .setInputFiles(csvFile('phone.csv', producerCsv(40, { batch: 'PHONE', bad: (n) => n % 10 === 0 })));
    await page.locator('#columns').setInputFiles(mapFile);
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#refused tbody tr').count(), { timeout: 60_000 }).toBe(4);
    const widths = await inPage<{ document: number; body: number; viewport: number }>(
      page,
      '({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth })',
    );
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    await page.screenshot({ path: join(screenshots, 'producer-phone.png'), fullPage: true });
  }, 90_000);

  it('asks for a key when the key is refused, and moves focus to the key field', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await page.locator('#api-key').fill('not-a-valid-key-at-all');
    await page.locator('#file').setInputFiles(csvFile('any.csv', producerCsv(2, { batch: 'NOKEY' })));
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/key was refused/);
    expect(await activeId(page)).toBe('api-key');
  });
});
