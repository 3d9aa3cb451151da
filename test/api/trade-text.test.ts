/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * The other side of the hostile corpus: text that real trade documents carry is accepted as it is and
 * stored exactly, so a record mapped from a platform can always be registered through the API; what makes
 * text safe is how each output shows it (escaped HTML, formula-guarded CSV, text nodes on the page, see
 * test/web/page.test.ts), not refusing it at the door.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { textProblem } from '../../src/api/json-body.js';
import { reportSourceFrom, writeReport } from '../../src/reconcile/report.js';
import type { RunReport } from '../../src/store/reconcile-runs.js';
import { packageRoot } from '../../src/package-root.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

describe('text from trade documents', () => {
  it.each([
    ['a crown angle in degrees', '34.5°'],
    ['a lab comment with a semicolon', 'Pinpoints are not shown; additional clouds not shown.'],
    ['a stone known by a quoted name', 'The "Lesedi" rough'],
    ['a price with a currency sign', '€12,500 (US$13,400)'],
    ['a multi-line note', 'Parcel sealed at the mine.\nOpened in Antwerp.'],
    ['a tolerance', '6.45 ± 0.02 mm'],
    ['a non-Latin producer name', 'Алроса'],
    ['a dash used as a pause', 'Lot 7 -- re-cut'],
    ['a weight bound', '<0.5 ct melee'],
    ['a comparison', 'colour >= G, clarity > SI1'],
    ['an equation in a note', '4Cs = colour + clarity + cut + carat'],
    ['alternatives', 'VS1 | VS2 (lab to confirm)'],
    ['a path with a backslash', 'Antwerp\\Vault 3'],
    ['braces in a parcel note', 'parcel {A} of 3'],
    ['a formula-looking reference', '=LOT-7'],
  ])('%s is acceptable: %j', (_name, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it.each([
    ['a null byte', 'null\u0000byte', 'U+0000'],
    ['a direction override', 'tb_x\u202egnp.exe', 'U+202E'],
    ['a zero-width space', 'zero\u200bwidth', 'U+200B'],
    ['a lone surrogate', 'GIA \ud800 2141438171', 'surrogate'],
  ])('%s is still refused, named', (_name, text, named) => {
    expect(textProblem(text)).toContain(named);
  });

  it('free text with markup, dashes and formulas registers and reads back exactly', async () => {
    const mine = '<script>alert("mine")</script> & Jwaneng';
    const producer = '=HYPERLINK("http://evil.example","Demo, Ltd")';
    const note = 'Lot 7 -- re-cut; <0.5 ct melee set aside {parcel A} | a\\b';
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.producer)
      .send({
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { producerRef: 'LOT-7-RECUT' },
        origin: { country: 'BW', producer, mine },
        rough: { caratWeight: 7.07 },
        events: [{ type: 'registered', at: '2026-03-01T09:00:00Z', platform: 'bridge', note }],
      });
    expect(answer.status).toBe(202);
    const stored = await request(bridge.app)
      .get(`/v1/diamonds/${answer.body.id as string}`)
      .set('authorization', bearer.producer);
    expect(stored.status).toBe(200);
    expect(stored.body.record.origin).toMatchObject({ producer, mine });
    expect(stored.body.record.events[0].note).toBe(note);

    // What was stored exactly is shown safely: the HTML report escapes it, the CSV defuses the formula.
    const report = reportSourceFrom({
      runId: 'rc_tradetext01',
      status: 'done',
      progress: { done: 1, total: 1 },
      counts: { mismatches: 1, unmatched: 0, bySeverity: { critical: 0, major: 0, minor: 1 } },
      platforms: ['bridge', 'gia'],
      actor: 'compliance@demo-mining',
      startedAt: '2026-03-01T09:00:00Z',
      mismatches: [
        {
          diamondId: answer.body.id as string,
          field: 'origin.producer',
          values: { bridge: stored.body.record.origin.producer, gia: stored.body.record.origin.mine },
          severity: 'minor',
          authority: null,
          rule: 'name',
        },
      ],
      unmatched: [],
    } satisfies RunReport);
    const html = await written((out) => writeReport(out, report, 'html'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;mine&quot;)&lt;/script&gt; &amp; Jwaneng');
    const csv = await written((out) => writeReport(out, report, 'csv'));
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Demo, Ltd"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('a record mapped from a GIA report, printed values and all, registers through the API', async () => {
    const record = JSON.parse(
      readFileSync(
        join(packageRoot, 'test', 'fixtures', 'gia', 'round-d-internally-flawless.canonical.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(JSON.stringify(record)).toContain('°');
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.admin)
      .send({ ...record, owner: { org: 'demo-mining' } });
    expect(answer.status).toBe(202);
    expect(answer.body.outcome).toBe('created');
  });
});

async function written(write: (out: PassThrough) => Promise<void>): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}
