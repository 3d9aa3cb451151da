import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  csvCell,
  executeRun,
  runReportSource,
  startRun,
  writeCsvReport,
  writeHtmlReport,
  writeJsonReport,
  writeReport,
  type ReportSource,
} from '../../src/reconcile/index.js';
import type { Store } from '../../src/store/index.js';
import { adapters } from './fixtures.js';
import { seedStone, useStore } from './support.js';

/** A stream that keeps what it is given and, when slow, acknowledges each chunk only on a later turn. */
function collector({ slow = false } = {}): Writable & { text: () => string; maxBuffered: () => number } {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      maxBuffered = Math.max(maxBuffered, stream.writableLength);
      if (slow) setImmediate(done);
      else done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join(''), maxBuffered: () => maxBuffered });
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      endField();
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/** A run with a colour re-graded at GIA and a mine name a platform filled with markup and a formula. */
async function hostileRun(store: Store): Promise<string> {
  await seedStone(store, 1, ({ gia }) => {
    gia.polished = { ...gia.polished!, color: { scale: 'DZ', grade: 'F' } };
    gia.origin = { mine: '<script>alert("mine")</script>' };
  });
  await seedStone(store, 2, ({ ledger, gia }) => {
    ledger.origin = { ...ledger.origin, producer: '=HYPERLINK("http://evil.example","Demo, Ltd")' };
    gia.origin = { producer: '+Other "Mining"' };
  });
  const runId = await startRun(store, { all: true }, { actor: 'compliance@demo-mining' });
  await executeRun(store, runId, { adapters });
  return runId;
}

describe('run reports', () => {
  const { fresh } = useStore();

  it('writes JSON in the shape GET /v1/reconcile/:runId answers', async () => {
    const store = fresh();
    const runId = await hostileRun(store);
    const out = collector();
    await writeJsonReport(out, (await runReportSource(store, runId))!);
    const report = JSON.parse(out.text()) as Record<string, unknown>;
    expect(report).toMatchObject({ runId, status: 'done', progress: { done: 2, total: 2 } });
    expect(report.mismatches).toHaveLength(3);
    expect(report.unmatched).toEqual([]);
  });

  it('writes CSV that parses back, one row per mismatch, with formulas defused', async () => {
    const store = fresh();
    const runId = await hostileRun(store);
    const out = collector();
    await writeCsvReport(out, (await runReportSource(store, runId))!);
    const [header, ...rows] = parseCsv(out.text());
    expect(header).toEqual([
      'diamondId',
      'field',
      'severity',
      'authority',
      'rule',
      'tracr',
      'gia',
      'bridge',
      'detail',
    ]);
    expect(rows.map((row) => row.slice(0, 7))).toEqual([
      [
        'tb_stone_000001',
        'origin.mine',
        'minor',
        'tracr',
        'name',
        'Jwaneng',
        '<script>alert("mine")</script>',
      ],
      ['tb_stone_000001', 'polished.color', 'critical', 'gia', 'color', 'E', 'F'],
      [
        'tb_stone_000002',
        'origin.producer',
        'minor',
        'tracr',
        'name',
        `'=HYPERLINK("http://evil.example","Demo, Ltd")`,
        `'+Other "Mining"`,
      ],
    ]);
  });

  it.each([
    ['=1+2', "'=1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['a "quoted", value', '"a ""quoted"", value"'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['plain', 'plain'],
  ])('encodes the CSV cell %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes a self-contained, accessible HTML page with every value escaped', async () => {
    const store = fresh();
    const runId = await hostileRun(store);
    const out = collector();
    await writeHtmlReport(out, (await runReportSource(store, runId))!);
    const html = out.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;mine&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)=/);
    expect(html).toContain('<caption>Critical mismatches: 1.');
    expect(html).toContain('<th scope="col">Field</th>');
    expect(html).toContain('<th scope="row">tb_stone_000001</th>');
    expect(html).toContain('<p>No major mismatches.</p>');
    expect(html).toContain('<td class="authority">F</td>');
  });

  it('waits for a slow reader instead of buffering the whole report', async () => {
    const mismatches = Array.from({ length: 2000 }, (_, i) => ({
      diamondId: `tb_stone_${String(i).padStart(6, '0')}`,
      field: 'polished.clarity',
      values: { tracr: 'VS1', gia: 'VS2' },
      severity: 'critical' as const,
      authority: 'gia',
      rule: 'equal',
    }));
    const source: ReportSource = {
      header: {
        runId: 'rc_01HV8Z3K4M0000000000000000',
        status: 'done',
        progress: { done: 2000, total: 2000 },
        counts: { mismatches: 2000, unmatched: 0, bySeverity: { critical: 2000, major: 0, minor: 0 } },
        platforms: ['tracr', 'gia'],
        actor: 'cli',
        startedAt: '2024-05-22T08:00:00.000Z',
      },
      mismatches: () => fromArray(mismatches),
      unmatched: () => fromArray([]),
    };
    for (const format of ['json', 'csv', 'html'] as const) {
      const out = collector({ slow: true });
      await writeReport(out, source, format);
      expect(out.text().length).toBeGreaterThan(100_000);
      expect(out.maxBuffered()).toBeLessThan(4096);
    }
  });
});

// eslint-disable-next-line @typescript-eslint/require-await
async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
