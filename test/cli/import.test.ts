/**
 * `tracebridge import` against a running bridge over HTTP (both simulators behind it): 10,000 rows of a
 * producer's CSV through its column map and 10,000 NDJSON records from standard input, the same file again
 * changing nothing, a file with 3% bad rows listed exactly, and the exit codes of a file refused whole and
 * of bad usage.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type TestBridge } from '../api/support.js';
import { producerColumns, producerCsv, producerNdjson, startImportWorker } from '../import/support.js';
import { runCli } from '../support/cli.js';

let bridge: TestBridge;
let worker: Worker;
let server: Server;
let dir: string;
const saved = { url: process.env.TRACEBRIDGE_API_URL, key: process.env.TRACEBRIDGE_API_KEY };

beforeAll(async () => {
  bridge = await startBridge();
  worker = startImportWorker(bridge);
  server = bridge.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address() as { port: number };
  process.env.TRACEBRIDGE_API_URL = `http://127.0.0.1:${address.port}`;
  process.env.TRACEBRIDGE_API_KEY = 'demo-producer-key';
  dir = mkdtempSync(join(tmpdir(), 'tracebridge-import-'));
  writeFileSync(join(dir, 'columns.json'), JSON.stringify(producerColumns));
});
afterAll(async () => {
  process.env.TRACEBRIDGE_API_URL = saved.url;
  process.env.TRACEBRIDGE_API_KEY = saved.key;
  if (saved.url === undefined) delete process.env.TRACEBRIDGE_API_URL;
  if (saved.key === undefined) delete process.env.TRACEBRIDGE_API_KEY;
  await new Promise((resolve) => server.close(resolve));
  await worker.close();
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('tracebridge import', () => {
  it('registers 10,000 rows of a CSV through a column map, and the same file again changes nothing', async () => {
    const path = file('week14.csv', producerCsv(10_000, { batch: 'CLI' }));
    const first = await runCli(['import', '--columns', join(dir, 'columns.json'), path]);
    expect(first.stderr).toMatch(/import: 100% \(10000 rows/);
    expect(first.stdout).toMatch(/done: 10000 rows read, 10000 registered, 0 unchanged, 0 refused/);
    expect(first.code).toBe(0);
    const stones = await bridge.built.services.store.diamonds.count();
    const again = await runCli(['import', '--columns', join(dir, 'columns.json'), path]);
    expect(again.stdout).toMatch(/10000 rows read, 0 registered, 10000 unchanged, 0 refused/);
    expect(again.code).toBe(0);
    expect(await bridge.built.services.store.diamonds.count()).toBe(stones);
  }, 600_000);

  it('reads 10,000 NDJSON records from standard input', async () => {
    const run = await runCli(['import', '-'], producerNdjson(10_000, 'STDIN'));
    expect(run.stdout).toMatch(/10000 rows read, 10000 registered, 0 unchanged, 0 refused/);
    expect(run.code).toBe(0);
  }, 600_000);

  it('exits 1 for a file with 3% bad rows, listing exactly the bad lines', async () => {
    const isBad = (n: number) => n % 33 === 0;
    const path = file('bad.csv', producerCsv(990, { batch: 'CLIBAD', bad: isBad }));
    const run = await runCli(['import', '--columns', join(dir, 'columns.json'), path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/990 rows read, 960 registered, 0 unchanged, 30 refused/);
    expect(run.stdout).toMatch(/refused\.csv/);
    const listed = [...run.stderr.matchAll(/^line (\d+), column "([^"]+)"/gm)].map((m) => Number(m[1]));
    const expected = Array.from({ length: 990 }, (_, i) => i + 1)
      .filter(isBad)
      .map((n) => n + 1);
    expect(listed).toEqual(expected);
  }, 300_000);

  it('exits 2 for a file refused whole, an unreadable file, a bad column map and no key', async () => {
    const unknown = await runCli(['import', file('unknown.csv', 'Colour Code\nD\n')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"Colour Code"/);
    const missing = await runCli(['import', join(dir, 'missing.csv')]);
    expect(missing.code).toBe(2);
    const badMap = await runCli([
      'import',
      '--columns',
      file('map.json', '{"Wt": "rough.weight"}'),
      join(dir, 'bad.csv'),
    ]);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toMatch(/rough\.weight/);
    const key = process.env.TRACEBRIDGE_API_KEY;
    delete process.env.TRACEBRIDGE_API_KEY;
    try {
      expect((await runCli(['import', join(dir, 'bad.csv')])).code).toBe(2);
    } finally {
      process.env.TRACEBRIDGE_API_KEY = key;
    }
  });
});
