/**
 * Nothing acknowledged is lost and nothing is written twice when a worker process is killed with SIGKILL
 * mid-run, or when redis-server (AOF on) restarts under the bridge.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventory } from '../../examples/inventory-adapter/server.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { registerMany, type Registration } from '../../src/sync/register.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  inventoryAdapter,
  jobCounts,
  openBridge,
  repoRoot,
  setFaults,
  shelfStone,
  shopClients,
  testConfig,
  waitUntil,
} from './support.js';

type Shop = Awaited<ReturnType<typeof startInventory>>;

const compiled = join(repoRoot, 'dist', 'worker-test');

/** Compiles the worker entry (and what it imports) so that it runs under plain `node` as its own process. */
function compileWorkerEntry(): void {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc,
    '--outDir',
    compiled,
    '--rootDir',
    repoRoot,
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
  ];
  args.push(
    '--target',
    'es2022',
    '--skipLibCheck',
    '--types',
    'node',
    '--resolveJsonModule',
    '--noCheck',
    '--ignoreConfig',
  );
  args.push(
    join(repoRoot, 'test', 'queue', 'worker-entry.ts'),
    join(repoRoot, 'examples', 'inventory-adapter', 'index.ts'),
    join(repoRoot, 'src', 'index.ts'),
  );
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`compiling the worker entry failed: ${result.stdout}${result.stderr}`);
  // The example adapter imports 'tracebridge': inside the compiled tree that name means the compiled
  // sources, so the worker and the adapter share one copy of every module (one PlatformError class).
  writeFileSync(
    join(compiled, 'package.json'),
    JSON.stringify({ name: 'tracebridge', type: 'module', exports: { '.': './src/index.js' } }),
  );
}

function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(compiled, 'test', 'queue', 'worker-entry.js')], {
    env: {
      ...process.env,
      ADAPTER_MODULE: join(compiled, 'examples', 'inventory-adapter', 'index.js'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${errors}`)));
  });
}

describe('durability of sync jobs', () => {
  let shop: Shop;
  const skusOf = (bridgeId: string): number =>
    [...shop.room.items.values()].filter((entry) => entry.item.bridgeId === bridgeId).length;
  const clients = (): Map<string, PlatformClient> => shopClients(shop.url);

  beforeAll(async () => {
    shop = await startInventory(0, 'shop-key');
    compileWorkerEntry();
  });
  afterAll(async () => {
    await shop.close();
  });

  it('after a worker process is killed with SIGKILL mid-run, a new worker syncs every stone and none twice', async () => {
    const redis = await startRedis();
    const bridge = openBridge(testConfig(redis), [inventoryAdapter]);
    shop.room.reset();
    await setFaults(shop.url, { latencyMs: 20 });
    try {
      const registrations = await registerMany(
        bridge,
        Array.from({ length: 200 }, (_, i) => shelfStone(2000 + i)),
        {
          actor: 'test',
        },
      );
      const child = await spawnWorker({
        REDIS_URL: redis.url,
        TRACEBRIDGE_PREFIX: bridge.config.prefix,
        SHOP_URL: shop.url,
      });
      await waitUntil('the worker process has shelved some stones', () => shop.room.items.size >= 20);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(shop.room.items.size).toBeLessThan(registrations.length);

      await bridge.startWorkers(clients());
      await waitUntil(
        'every job completes',
        async () => (await jobCounts(bridge.queues)).completed === registrations.length,
        120_000,
      );
      for (const { id } of registrations) expect(skusOf(id)).toBe(1);
      expect([...shop.room.writes.values()].every((writes) => writes === 1)).toBe(true);
    } finally {
      await setFaults(shop.url, { latencyMs: 0 });
      await bridge.close();
      await redis.stop();
    }
  }, 180_000);

  it('when redis-server restarts mid-run with AOF on, every registration that returned is synced', async () => {
    const redis: TestRedis = await startRedis({ appendOnly: true });
    const bridge = openBridge(testConfig(redis), [inventoryAdapter]);
    shop.room.reset();
    await setFaults(shop.url, { latencyMs: 10 });
    try {
      await bridge.startWorkers(clients());
      const acknowledged: Registration[] = [];
      const registering = (async () => {
        for (let batch = 0; batch < 20; batch++) {
          const stones = Array.from({ length: 10 }, (_, i) => shelfStone(3000 + batch * 10 + i));
          try {
            acknowledged.push(...(await registerMany(bridge, stones, { actor: 'test' })));
          } catch {
            // Not acknowledged: the caller would retry; nothing is promised for these.
          }
        }
      })();
      await waitUntil('some stones are registered', () => acknowledged.length >= 50);
      await redis.restart();
      await registering;
      expect(acknowledged.length).toBeGreaterThan(50);
      await waitUntil(
        'every acknowledged stone is shelved',
        () => acknowledged.every(({ id }) => skusOf(id) === 1),
        120_000,
      );
      for (const { id } of acknowledged) expect(skusOf(id)).toBe(1);
      expect([...shop.room.writes.values()].every((writes) => writes === 1)).toBe(true);
    } finally {
      await setFaults(shop.url, { latencyMs: 0 });
      await bridge.close();
      await redis.stop();
    }
  }, 180_000);
});
