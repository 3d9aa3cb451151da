/**
 * `npm start` as a newcomer runs it, twice in a row: the installed command (the compiled dist/, built by
 * `npm test`; run `npm run build` first when running this file alone) with its private Redis, the three
 * simulators and the API, on free ports and a data folder of its own. Each start registers the samples and
 * shows them synced; the first follows its journey to the end, the second is stopped in the middle of it.
 * Both stop cleanly on SIGTERM, and the second start is not tripped by what the first left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { freePort, startRedis } from '../support/redis.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tracebridge-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * One demo run: started, its first sample read back synced on every platform, `waitFor` awaited in its
 * output, stopped with SIGTERM; answers its exit code and output.
 */
async function runDemo(
  waitFor: RegExp,
  redisUrl?: string,
): Promise<{ code: number | null; sampleIds: string[]; output: string }> {
  const [api, tracr, gia, epcis] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'tracebridge'), 'demo'], {
    stdio: 'pipe',
    env: {
      PATH: process.env.PATH,
      PORT: String(api),
      TRACEBRIDGE_DATA_DIR: dataDir,
      TRACEBRIDGE_TRACR_URL: `http://127.0.0.1:${tracr}`,
      TRACEBRIDGE_GIA_URL: `http://127.0.0.1:${gia}/graphql`,
      TRACEBRIDGE_EPCIS_URL: `http://127.0.0.1:${epcis}`,
      ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await expect
      .poll(() => (child.exitCode === null ? output : `exited: ${output}`), { timeout: 120_000 })
      .toMatch(/Journey of tb_/);
    const sampleIds = [...output.matchAll(/lookup\?id=(tb_[0-9A-Z]+)/g)].map((match) => match[1]!);
    const reader = { authorization: 'Bearer demo-reader-key' };
    await expect
      .poll(
        async () => {
          const response = await fetch(`http://127.0.0.1:${api}/v1/diamonds/${sampleIds[0]}`, {
            headers: reader,
          });
          const body = (await response.json()) as {
            record: { identifiers?: { tracrId?: string } };
            sync?: Record<string, { status: string }>;
          };
          // In sync as the bridge sees it, and held by the ledger itself.
          const tracrId = body.record.identifiers?.tracrId;
          const onLedger = tracrId
            ? await fetch(`http://127.0.0.1:${tracr}/v1/diamonds/${tracrId}`, {
                headers: { authorization: 'tracr-sandbox-key' },
              })
            : undefined;
          return [...Object.values(body.sync ?? {}).map((platform) => platform.status), onLedger?.status];
        },
        { timeout: 60_000 },
      )
      .toEqual(['in_sync', 'in_sync', 'in_sync', 200]);
    await expect.poll(() => output, { timeout: 120_000 }).toMatch(waitFor);
    child.kill('SIGTERM');
    // Ctrl-C stops everything: a demo still running half a minute later is not stopping.
    const code = await Promise.race([exited, sleep(30_000).then(() => 'still running')]);
    expect(code, output).not.toBe('still running');
    return { code: code as number | null, sampleIds, output };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('tracebridge demo', () => {
  it('starts, syncs its samples to every platform and stops cleanly, and does so again on the same data folder', async () => {
    // The whole journey: each organisation's act signed on the ledger by its own participant.
    const first = await runDemo(/graded\s+signed by gia-lab[\s\S]*lookup\?tracrId=/);
    expect(first.code, first.output).toBe(0);
    expect(first.sampleIds).toHaveLength(5);
    expect(first.output).toMatch(/registered\s+signed by kalahari-mining/);
    expect(first.output).toMatch(/polished\s+signed by antwerp-cutting/);
    // Stopped in the middle of its journey, it still stops at once.
    const second = await runDemo(/Journey of tb_/);
    expect(second.code, second.output).toBe(0);
    expect(second.sampleIds).toHaveLength(5);
  }, 400_000);

  it("on a Redis of the user's own, starts again as empty as its simulators, touching no key but its own", async () => {
    const redis = await startRedis();
    const user = new Redis(redis.url);
    try {
      await user.set('{tracebridge}:diamonds', 'the user production data');
      const first = await runDemo(/Journey of tb_/, redis.url);
      expect(first.code, first.output).toBe(0);
      // The second start's fresh simulators hold every sample again (runDemo reads one back on the ledger).
      const second = await runDemo(/Journey of tb_/, redis.url);
      expect(second.code, second.output).toBe(0);
      expect(second.output).toMatch(/\b[1-9]\d* left by an earlier demo removed/);
      expect(await user.get('{tracebridge}:diamonds')).toBe('the user production data');
    } finally {
      user.disconnect();
      await redis.stop();
    }
  }, 400_000);
});
