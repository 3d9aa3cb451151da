/**
 * The producer's page, the platforms and disagreements parts, in a real Chromium over the real API, Redis,
 * both simulators and running workers: a producer sees its stones per platform, lists the failed one with
 * the registry's reason and retries it from the keyboard; a compliance user compares the platforms and
 * applies the lab's colour grade over the record's.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { bearer, startBridge, type TestBridge } from '../api/support.js';
import { waitUntil } from '../queue/support.js';
import { seedStone } from '../reconcile/support.js';
import { inPage, launchChromium, listen, tableHeadings, unnamedControls, type Listening } from './browser.js';

const screenshots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

let bridge: TestBridge;
let server: Listening;
let browser: Browser;
const contexts: BrowserContext[] = [];
let refused: string;
let disputed: string;

const rough = (producerRef: string, roughControlNumber: string) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef, roughControlNumber },
  origin: { country: 'BW', producer: 'Kalahari Mining Co.', mine: 'Orapa' },
  rough: { caratWeight: 2.25 },
});

beforeAll(async () => {
  // kalahari-mining has no ledger signer here: its stones are 'not permitted' on the ledger, and the
  // registry's refusal of one of them stays that stone's last word there.
  bridge = await startBridge({
    workers: true,
    signAs: null,
    orgs: [
      {
        org: 'demo-mining',
        tracr: { participantId: 'demo-mining', privateKey: sandboxParticipantKey('demo-mining') },
      },
    ],
  });
  const register = async (body: object): Promise<string> => {
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.otherProducer)
      .send(body);
    expect(answer.status).toBe(202);
    return (answer.body as { id: string }).id;
  };
  await register(rough('PAGE-KAL-1', 'KAL-0001'));
  // The registry's intake refuses a control number with spaces or '#'.
  refused = await register(rough('PAGE-KAL-2', 'KAL 0002 #B'));
  // A graded stone whose lab report says H where the bridge's record says E.
  disputed = await seedStone(bridge.built.services.store, 7, (views) => {
    views.gia.polished!.color = { scale: 'DZ', grade: 'H' };
  });
  await waitUntil(
    'the refused stone has failed on the registry',
    async () => {
      const answer = await request(bridge.app)
        .get(`/v1/diamonds/${refused}`)
        .set('authorization', bearer.otherProducer);
      return (answer.body as { sync?: { gia?: { status: string } } }).sync?.gia?.status === 'failed'
        ? true
        : undefined;
    },
    60_000,
  );
  server = await listen(bridge.app);
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await server?.close();
  await bridge?.close();
});

async function openPage(key: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  const response = await page.goto(`${server.url}/producer`);
  expect(response?.status()).toBe(200);
  await page.locator('#api-key').fill(key);
  return page;
}

/** Presses Tab until the element with `id` has focus: the page is worked from the keyboard alone. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let presses = 0; presses < 60; presses += 1) {
    if ((await inPage<string | undefined>(page, 'document.activeElement?.id')) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} cannot be reached with Tab`);
}

/** The text of each cell of each body row of the table `selector` names. */
const cells = (page: Page, selector: string): Promise<string[][]> =>
  inPage<string[][]>(
    page,
    `[...document.querySelectorAll(${JSON.stringify(`${selector} tbody tr`)})].map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) => cell.textContent.trim()))`,
  );

describe("the producer's page: stones on each platform", () => {
  it('counts the stones per platform and lists the failed one with the registry’s reason, from the keyboard', async () => {
    const page = await openPage('kalahari-producer-key');
    await tabTo(page, 'platforms-refresh');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#platforms-status').textContent()).toBe('You hold 2 stones.');
    // Platform, synced, waiting, failed, not permitted, not sent.
    expect(await cells(page, '#platforms')).toEqual([
      ['gia', '1', '0', '1', '0', '0'],
      ['tracr', '0', '0', '0', '2', '0'],
    ]);

    await page.locator('#stones-platform').selectOption('gia');
    await tabTo(page, 'stones-status');
    await page.locator('#stones-status').selectOption('failed');
    await page.locator('#stones-filter button[type=submit]').press('Enter');
    await expect.poll(() => page.locator('#stones tbody tr').count()).toBe(1);
    const [row] = await cells(page, '#stones');
    expect(row!.slice(0, 4)).toEqual([refused, 'PAGE-KAL-2', 'gia', 'Failed']);
    expect(row![4]).toContain('rough_control_no');
    await page.screenshot({ path: join(screenshots, 'producer-platforms.png'), fullPage: true });

    // Retry: the job is queued again (and, the control number unchanged, refused again by the registry).
    const retry = page.getByRole('button', { name: /Retry the sync of PAGE-KAL-2 to gia/ });
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#stones tbody tr td').last().textContent()).toBe('Queued again');
    await expect.poll(() => page.locator('#platforms-status').textContent()).toMatch(/queued again/);
  });

  it('lists the stones not permitted on the ledger, with who may not take the act', async () => {
    const page = await openPage('kalahari-producer-key');
    await page.locator('#stones-platform').selectOption('');
    await page.locator('#stones-status').selectOption('not_permitted');
    await page.locator('#stones-filter button[type=submit]').click();
    await expect.poll(() => page.locator('#stones tbody tr').count()).toBe(2);
    for (const row of await cells(page, '#stones')) {
      expect(row[2]).toBe('tracr');
      expect(row[4]).toMatch(/kalahari-mining/);
    }
  });

  it('says when a key may not compare the platforms', async () => {
    const page = await openPage('kalahari-producer-key');
    await page.locator('#compare').click();
    await expect.poll(() => page.locator('#mismatches-status').textContent()).toMatch(/may not do this/);
  });
});

describe("the producer's page: records that disagree", () => {
  it('compares the platforms for a compliance user and applies the lab’s grade over the record’s', async () => {
    const page = await openPage('demo-admin-key');
    await page.locator('#compare').click();
    await expect
      .poll(() => page.locator('#mismatches-status').textContent(), { timeout: 60_000 })
      .toMatch(/disagreements shown/);
    const rows = await cells(page, '#mismatches');
    const color = rows.find((row) => row[0] === disputed && row[1] === 'polished.color');
    expect(color?.[3]).toBe('gia');
    expect(color?.[4]).toContain('"grade":"H"');

    await page.getByRole('button', { name: `Take gia's polished.color for stone ${disputed}` }).click();
    await expect.poll(() => page.locator('#mismatches-status').textContent()).toMatch(/now reads as gia/);
    const stored = await bridge.built.services.store.diamonds.get(disputed);
    expect(stored?.record.polished?.color).toEqual({ scale: 'DZ', grade: 'H' });
  });
});

describe("the producer's page: for everyone", () => {
  it('labels every control, and gives every table a caption and scoped headers', async () => {
    const page = await openPage('kalahari-producer-key');
    await page.locator('#platforms-refresh').click();
    await expect.poll(() => page.locator('#platforms tbody tr').count()).toBe(2);
    expect(await unnamedControls(page, 'input, select, button, [role=region], progress')).toEqual([]);
    const tables = await tableHeadings(page);
    expect(tables).toHaveLength(4);
    for (const table of tables) {
      expect(table.caption).toMatch(/\w/);
      expect(table.unscoped).toBe(0);
    }
  });

  it('fits a phone screen without the page scrolling sideways, the stones listed', async () => {
    const page = await openPage('kalahari-producer-key', { width: 390, height: 844 });
    await page.locator('#platforms-refresh').click();
    await page.locator('#stones-status').selectOption('not_permitted');
    await page.locator('#stones-filter button[type=submit]').click();
    await expect.poll(() => page.locator('#stones tbody tr').count()).toBe(2);
    const widths = await inPage<{ document: number; viewport: number }>(
      page,
      '({ document: document.documentElement.scrollWidth, viewport: window.innerWidth })',
    );
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    await page.screenshot({ path: join(screenshots, 'producer-platforms-phone.png'), fullPage: true });
  });
});
