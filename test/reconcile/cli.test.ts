/**
 * `tracebridge reconcile` in-process against a private Redis: the report in each format on stdout,
 * progress on stderr, `--apply`, and the exit codes (0 clean, 1 findings, 2 bad usage or no Redis).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createStore, type Store } from '../../src/store/index.js';
import { freePort, startRedis, type TestRedis } from '../support/redis.js';
import { runCli } from '../support/cli.js';
import { seedStone } from './support.js';
import { participantKeyFromSeed } from '../../sim/tracr/index.js';

let server: TestRedis;
let client: Redis;
let serial = 0;
const configured = ['REDIS_URL', 'TRACEBRIDGE_PREFIX', 'TRACR_PARTICIPANT_ID', 'TRACR_PRIVATE_KEY'];
const saved = Object.fromEntries(configured.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.url, { maxRetriesPerRequest: 3 });
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/**
 * A store under a fresh prefix, with the CLI's environment pointing at it and configured, as a bridge's
 * would be, for GIA and the ledger (the EPCIS repository is not configured, so it is not in play).
 */
function freshBridge(): Store {
  const prefix = `{tbcli${process.pid}x${++serial}}`;
  process.env.REDIS_URL = server.url;
  process.env.TRACEBRIDGE_PREFIX = prefix;
  process.env.TRACR_PARTICIPANT_ID = 'demo-mining';
  process.env.TRACR_PRIVATE_KEY = participantKeyFromSeed('tracr-sim:demo-mining')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
  return createStore(client, { prefix: `${prefix}:` });
}

describe('tracebridge reconcile', () => {
  it('prints a clean JSON report and exits 0 when the platforms agree', async () => {
    const store = freshBridge();
    const id = await seedStone(store, 1);
    const run = await runCli(['reconcile', '--id', id]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { status: string; mismatches: unknown[]; unmatched: unknown[] };
    expect(report).toMatchObject({ status: 'done', mismatches: [], unmatched: [] });
    expect(run.stderr).toContain('reconcile: 100% (1 of 1 stones)');
  });

  it('exits 1 and lists the disagreement in CSV and HTML', async () => {
    const store = freshBridge();
    const id = await seedStone(store, 2, (views) => {
      views.gia.polished!.color = { scale: 'DZ', grade: 'H' };
    });
    const csv = await runCli(['reconcile', '--id', id, '--format', 'csv']);
    expect(csv.code).toBe(1);
    const rows = csv.stdout.trim().split('\r\n');
    expect(rows[0]).toBe('diamondId,field,severity,authority,rule,gia,tracr,bridge,detail');
    expect(rows[1]).toMatch(new RegExp(`^${id},polished.color,critical,gia,`));
    const html = await runCli(['reconcile', '--id', id, '--format', 'html']);
    expect(html.code).toBe(1);
    expect(html.stdout).toContain('Critical mismatches (1)');
  });

  it('reports progress every tenth of the stones when stderr is not a terminal', async () => {
    const store = freshBridge();
    for (let n = 10; n < 30; n++) await seedStone(store, n);
    const run = await runCli(['reconcile']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('reconcile: '));
    expect(lines.at(-1)).toBe('reconcile: 100% (20 of 20 stones)');
    expect(lines.length).toBeLessThanOrEqual(10);
  });

  it("--apply takes the authority's value, queues the stone, and names the person in the audit log", async () => {
    const store = freshBridge();
    const id = await seedStone(store, 3, (views) => {
      views.gia.polished!.color = { scale: 'DZ', grade: 'H' };
    });
    const run = await runCli(['reconcile', '--id', id, '--apply']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`applied ${id} polished.color`);
    expect(run.stderr).toMatch(/applied 1, skipped 0, queued 1 sync jobs/);
    expect((await store.diamonds.get(id))?.record.polished?.color).toEqual({ scale: 'DZ', grade: 'H' });
    const [last] = (await store.audit.history(id)).slice(-1);
    expect(last).toMatchObject({ action: 'reconcile.apply' });
    expect(last?.actor).toMatch(/^cli:/);
  });

  it('exits 2 on bad usage, naming the problem', async () => {
    freshBridge();
    for (const argv of [
      ['--format', 'xml'],
      ['--id'],
      ['--id', 'not-a-bridge-id'],
      ['--refresh'],
      ['--colour'],
    ]) {
      const run = await runCli(['reconcile', ...argv]);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain('tracebridge reconcile:');
    }
  });

  it('exits 2 with a clear message when Redis is unreachable or not configured', async () => {
    freshBridge();
    process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`;
    const down = await runCli(['reconcile']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot reach Redis at redis://127.0.0.1:');
    delete process.env.REDIS_URL;
    const unset = await runCli(['reconcile']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('REDIS_URL');
  });
});
