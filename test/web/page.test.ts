/**
 * The provenance lookup page in a real Chromium, over the real API, Redis and both simulators: a stone
 * whose GIA report the lab re-issued with another colour, and whose ledger entry carries a script in its
 * mine name.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { startBridge, type TestBridge } from '../api/support.js';
import { launchChromium, listen, type Listening } from './browser.js';

const screenshots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const reportNumber = '2141438171';
const tracrId = 'TRACR-E0510000A171';
const hostileMine = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

let bridge: TestBridge;
let server: Listening;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  bridge = await startBridge({ queues: false });
  server = await listen(bridge.app);
  // The lab re-issues the report with another colour: GIA now says G, the ledger still says E.
  const stored = (await (await fetch(`${bridge.gia.url}/admin/reports/${reportNumber}`)).json()) as {
    report: { results: Record<string, unknown> & { data: Record<string, Record<string, unknown>> } };
  };
  const { report } = stored;
  report.results.color_grade = 'G';
  report.results.data.color = { color_grade_code: 'G', color_modifier: null };
  report.results.data.color_grades = { color_grade_code: 'G', color_modifier: null };
  // The producer declared the rough through GIA's Mine-to-Market intake with a script for a mine name, and
  // the re-issued report links to it: GIA's answer now carries that mine name.
  await post(
    `${bridge.gia.url}/m2m/v1/rough`,
    {
      rough_control_no: 'RCN-PAGE-0001',
      mine_company: 'Kalahari Mining',
      mine_name: hostileMine,
      country_of_origin: 'Botswana',
      rough_weight_carats: 0.56,
    },
    201,
    'gia-test-key',
  );
  report.results.m2m_rough_data = { rough_control_no: 'RCN-PAGE-0001' };
  await post(`${bridge.gia.url}/admin/reports`, report, 200);
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await server?.close();
  await bridge?.close();
});

async function post(url: string, body: unknown, status: number, authorization?: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  expect(response.status, `${url} answered ${await response.text()}`).toBe(status);
}

async function openPage(viewport: { width: number; height: number }, base = server.url): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB' });
  contexts.push(context);
  const page = await context.newPage();
  const response = await page.goto(`${base}/`);
  expect(response?.status()).toBe(200);
  return page;
}

/** Fills the form from the keyboard alone: Tab from the top of the page, type, Tab, type, submit. */
async function lookUpByKeyboard(page: Page, identifier: string, key: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await activeId(page)).toBe('identifier');
  await page.keyboard.type(identifier);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await activeId(page)).toBe('api-key');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(key);
  await page.keyboard.press('Tab');
  expect(await activeId(page)).toBe('submit');
  await page.keyboard.press('Enter');
}

// How long a poll waits for the page to settle: a lookup fans out over HTTP to every simulator, which on a
// loaded machine takes far longer than expect.poll's default of one second.
const settled = { timeout: 20_000 };

/** Evaluates `expression` in the page; the test runs in Node, so browser code is passed as text. */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);
const activeId = (page: Page) => inPage<string | undefined>(page, 'document.activeElement?.id');

// A label as a pattern matches exactly: "Polish" as text would also match a mismatch's "polished.color".
const rowOf = (page: Page, label: string | RegExp) =>
  page.locator('#fields tbody tr').filter({ has: page.locator('th', { hasText: label }) });

describe('the provenance lookup page', () => {
  it('serves its files under a strict Content-Security-Policy with nothing inline', async () => {
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<style|<script>|\sstyle=|\son[a-z]+=/i);
    expect((await fetch(`${server.url}/web/lookup.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/web/lookup.css`)).headers.get('content-type')).toMatch(/text\/css/);
    // Only the page's files are served from its folder, never the TypeScript beside them.
    expect((await fetch(`${server.url}/web/index.ts`)).status).toBe(404);
    expect((await fetch(`${server.url}/web/vocabulary.ts`)).status).toBe(404);
    // The trade's words are generated from the vocabularies and served as a script under the same policy.
    const vocabulary = await fetch(`${server.url}/web/vocabulary.js`);
    expect(vocabulary.headers.get('content-type')).toMatch(/javascript/);
    expect(vocabulary.headers.get('content-security-policy')).toBe(csp);
    expect(await vocabulary.text()).toContain('"EX":"Excellent"');
  });

  it('shows every platform, one journey, the colour mismatch with its authority, and the lineage', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await lookUpByKeyboard(page, reportNumber, 'demo-reader-key');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/Found on 2 of 2 platforms; \d+ mismatches/);
    expect(await page.locator('#detected').textContent()).toContain('GIA report number (detected)');

    for (const platform of ['GIA', 'Tracr']) {
      const item = page.locator('#platforms li', { hasText: platform });
      expect(await item.locator('.badge').textContent()).toContain('found');
      expect(await item.locator('.latency').textContent()).toMatch(/^\d+ ms$/);
    }

    const steps = page.locator('#journey li');
    const times = await Promise.all(
      (await steps.locator('time').all()).map(async (time) => (await time.getAttribute('datetime')) ?? ''),
    );
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect([...times].sort()).toEqual(times);
    const tagsOf = async (type: string) =>
      steps
        .filter({ has: page.locator('.event', { hasText: type }) })
        .locator('.tag')
        .allTextContents();
    // The grading is recorded on the report and on the ledger: one step of the journey, marked with both.
    expect(await tagsOf('graded')).toEqual(['GIA', 'Tracr']);
    expect(await tagsOf('polished')).toEqual(['Tracr']);

    const colour = rowOf(page, 'Colour');
    expect(await colour.getAttribute('class')).toContain('mismatch');
    const flag = await colour.locator('.flag').textContent();
    expect(flag).toContain('Mismatch');
    expect(flag).toContain('GIA is authoritative');
    expect(flag).toMatch(/critical|major|minor/);
    expect(await colour.locator('td.authoritative').textContent()).toContain('G (authoritative)');
    const shape = rowOf(page, 'Shape');
    expect(await shape.locator('td').allTextContents()).toEqual(['Emerald', 'Emerald', 'Emerald from GIA']);
    expect(await shape.locator('.flag').count()).toBe(0);

    // Grades read as the trade writes them, each with its code on hover; a grade that is its own code
    // (VS2) is shown once.
    for (const [label, words, code] of [
      ['Shape', 'Emerald', 'emerald'],
      ['Polish', 'Excellent', 'EX'],
      ['Symmetry', 'Very Good', 'VG'],
      ['Fluorescence', 'None', 'NON'],
    ] as const) {
      const abbr = rowOf(page, new RegExp(`^${label}$`))
        .locator('td')
        .first()
        .locator('abbr');
      expect(await abbr.textContent(), label).toBe(words);
      expect(await abbr.getAttribute('title'), label).toBe(code);
    }
    expect(await rowOf(page, 'Clarity').locator('td').allTextContents()).toEqual([
      'VS2',
      'VS2',
      expect.stringMatching(/^VS2 from /),
    ]);
    expect(await rowOf(page, 'Clarity').locator('abbr').count()).toBe(0);
    expect(
      await rowOf(page, /^Polish$/)
        .locator('td')
        .allTextContents(),
    ).not.toContain('EX');

    // GIA prints its own weight to the hundredth; the ledger's three decimals get GIA's reading beside them.
    const carats = rowOf(page, 'Carat weight').locator('td');
    expect(await carats.nth(0).textContent()).toBe('0.51 carat');
    expect(await carats.nth(1).locator('.value').textContent()).toBe('0.514 ctGIA 0.51 carat');
    expect(await carats.nth(1).locator('.gia-carat').textContent()).toBe('GIA 0.51 carat');

    // GIA's mine name is a script: it is shown as text and never runs.
    expect(await rowOf(page, 'Mine').locator('td').first().locator('.value').textContent()).toBe(hostileMine);
    expect(await inPage(page, 'window.__pwned')).toBeUndefined();
    expect(await page.locator('#results img, #results script').count()).toBe(0);

    await expect
      .poll(() => page.locator('#mass-balance').textContent(), settled)
      .toMatch(/Mass balance holds/);
    const lineage = await page.locator('#lineage tbody tr').allTextContents();
    expect(lineage).toHaveLength(4);
    expect(lineage[0]).toContain('TRACR-2150A0000001');
    expect(lineage.find((row) => row.includes(tracrId))).toContain('(this stone)');

    await page.screenshot({ path: join(screenshots, 'desktop.png'), fullPage: true });

    // A relative is a link to the page's own address for it; the key stays in the tab's session.
    await page.getByRole('link', { name: 'TRACR-2150A0000001' }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/Found on 1 of 2 platforms/);
    expect(page.url()).toBe(`${server.url}/?tracrId=TRACR-2150A0000001`);
    expect(await page.locator('#identifier').inputValue()).toBe('TRACR-2150A0000001');
    expect(await page.locator('#lineage tbody tr').first().textContent()).toContain('(this stone)');
    expect(errors).toEqual([]);
  });

  it('opens a shared address: fills the form, looks the stone up once a key is entered, never puts the key in the address', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    contexts.push(context);
    const page = await context.newPage();
    const lookups: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/lookup')) lookups.push(request.url());
    });
    await page.goto(`${server.url}/?giaReportNumber=${reportNumber}`);
    expect(await page.locator('#identifier').inputValue()).toBe(reportNumber);
    expect(await page.locator('#detected').textContent()).toContain('GIA report number');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toBe(`Enter an API key to look up GIA report number ${reportNumber}.`);
    expect(lookups).toEqual([]);

    const key = 'demo-reader-key';
    await page.locator('#api-key').fill(key);
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/Found on 2 of 2 platforms/);
    expect(lookups[0]).toBe(`${server.url}/v1/lookup?giaReportNumber=${reportNumber}`);
    expect(lookups.filter((address) => address.includes('giaReportNumber'))).toHaveLength(1);
    expect(await inPage<string>(page, 'location.href')).toBe(
      `${server.url}/?giaReportNumber=${reportNumber}`,
    );

    // Looking up another stone names it in the address as a new entry; Back shows the first one again.
    await page.locator('#identifier').fill('TRACR-2150A0000001');
    await page.locator('#submit').click();
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/Found on 1 of 2 platforms/);
    expect(page.url()).toBe(`${server.url}/?tracrId=TRACR-2150A0000001`);
    await page.goBack();
    await expect.poll(() => page.locator('#identifier').inputValue(), settled).toBe(reportNumber);
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/Found on 2 of 2 platforms/);

    // An address by inscription runs at once now the tab holds the key; a kind the format would not
    // suggest is kept as chosen.
    await page.goto(`${server.url}/?inscription=${encodeURIComponent('GIA 0000000003')}`);
    expect(await page.locator('#detected').textContent()).toContain('inscription');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/No platform and not the bridge holds a stone with inscription GIA 0000000003/);
    await page.goto(`${server.url}/?id=${reportNumber}`);
    expect(await page.locator('#kind').inputValue()).toBe('id');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/not accepted: id must be a bridge ID/);
    const addresses = [...lookups, await inPage<string>(page, 'location.href')];
    expect(addresses.filter((address) => address.includes(key))).toEqual([]);
    expect(await inPage<string>(page, 'document.body.innerHTML')).not.toContain(key);
  });

  it('labels every control, shows keyboard focus, and gives its tables captions and scoped headers', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await lookUpByKeyboard(page, tracrId, 'demo-reader-key');
    expect(await inPage(page, 'getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await expect.poll(() => page.locator('#status').textContent(), settled).toMatch(/Found on/);
    // A control's accessible name: aria-label, aria-labelledby, its <label>s, or a button's own text.
    const unnamed = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('input, select, button, [role=region]')]
        .filter((control) => ![
          control.getAttribute('aria-label'),
          document.getElementById(control.getAttribute('aria-labelledby'))?.textContent,
          ...[...(control.labels ?? [])].map((label) => label.textContent),
          control.tagName === 'BUTTON' ? control.textContent : '',
        ].join('').trim())
        .map((control) => control.outerHTML)`,
    );
    expect(unnamed).toEqual([]);
    const tables = await inPage<{ caption: string; unscoped: number }[]>(
      page,
      `[...document.querySelectorAll('table')].map((table) => ({
        caption: table.caption?.textContent?.trim() ?? '',
        unscoped: [...table.querySelectorAll('th')].filter((th) => !th.getAttribute('scope')).length,
      }))`,
    );
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.caption).toMatch(/\w/);
      expect(table.unscoped).toBe(0);
    }
    expect(await page.locator('#results').getAttribute('aria-live')).toBe('polite');
  });

  it('fits a phone screen without the page scrolling sideways', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await lookUpByKeyboard(page, reportNumber, 'demo-reader-key');
    await expect.poll(() => page.locator('#mass-balance').textContent(), settled).toMatch(/Mass balance/);
    const widths = await inPage<{ document: number; body: number; viewport: number }>(
      page,
      '({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth })',
    );
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    await page.screenshot({ path: join(screenshots, 'phone.png'), fullPage: true });
  });

  it('asks for a key when the key is refused, and moves focus to the key field', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await lookUpByKeyboard(page, reportNumber, 'not-a-valid-key-at-all');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/API key was not accepted.*Enter a valid key/);
    expect(await activeId(page)).toBe('api-key');
    expect(await page.locator('#results').isHidden()).toBe(true);
  });

  it('says when no platform holds the stone', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await lookUpByKeyboard(page, 'GIA 0000000001', 'demo-reader-key');
    await expect
      .poll(() => page.locator('#status').textContent(), settled)
      .toMatch(/No platform and not the bridge holds/);
    expect(await page.locator('#detected').textContent()).toContain('by inscription (detected)');
    expect(await page.locator('#platforms li .badge').allTextContents()).toEqual([
      '– not found',
      '– not found',
    ]);
  });

  it('says when to retry after 429, and that the bridge cannot be reached once it is gone', async () => {
    const limited = await listen(
      createApp({ ...bridge.built.services, rateLimit: { limit: 1, windowMs: 60_000 } }),
    );
    try {
      const page = await openPage({ width: 1280, height: 900 }, limited.url);
      await lookUpByKeyboard(page, 'GIA 0000000002', 'demo-reader-key');
      await expect.poll(() => page.locator('#status').textContent(), settled).toMatch(/No platform/);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('#status').textContent(), settled)
        .toMatch(/Too many requests: try again in \d+ s/);
      await limited.close();
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('#status').textContent(), settled)
        .toMatch(/Could not reach the bridge/);
    } finally {
      await limited.close();
    }
  });
});
