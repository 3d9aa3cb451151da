/**
 * One sync write runs the adapter's write transform once: the read-before-write comparison, the put, the
 * source hash and the mirror all share the one translation (the client is handed it as `native`). Counted
 * on the adapters' own transforms while real workers write to the simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import type { AnyAdapter } from '../../src/adapters/registry.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { register } from '../../src/sync/register.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, simulatorClients, testConfig, waitUntil, type TestBridge } from './support.js';

const rough: DiamondRecord = {
  schemaVersion: '1',
  kind: 'rough',
  owner: { org: 'demo-mining' },
  identifiers: { roughControlNumber: 'RCN-ONCE-0001', producerRef: 'ONCE-0001' },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
  rough: { caratWeight: 2.345 },
};

/** `adapter` with its write transform counting its calls. */
function counting(adapter: AnyAdapter): { adapter: AnyAdapter; calls: () => number; reset: () => void } {
  let calls = 0;
  const member = adapter.writeShape ? 'writeShape' : 'fromCanonical';
  const translate = adapter[member]!.bind(adapter) as (record: DiamondRecord) => unknown;
  return {
    adapter: {
      ...adapter,
      [member]: (record: DiamondRecord) => {
        calls++;
        return translate(record);
      },
    },
    calls: () => calls,
    reset: () => (calls = 0),
  };
}

describe('one sync write, one translation', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
  });
  afterAll(async () => {
    await Promise.all([gia.close(), tracr.close()]);
    await redis.stop();
  });

  for (const [name, built] of [
    ['gia', giaAdapter],
    ['tracr', tracrAdapter],
  ] as const) {
    it(`writes a new stone to ${name} translating it once`, async () => {
      const counted = counting(built);
      const bridge: TestBridge = openBridge(testConfig(redis), [counted.adapter]);
      try {
        const { id } = await register(bridge, rough, { actor: 'test', org: 'demo-mining' });
        // Registration translated it to choose the targets; the count starts at the sync.
        counted.reset();
        const client = simulatorClients(gia.url, tracr.url).get(name)!;
        await bridge.startWorkers(new Map([[name, client]]));
        await waitUntil(`the stone is on ${name}`, async () => {
          return (await bridge.store.diamonds.get(id))?.record.sources?.[name];
        });
        expect(counted.calls()).toBe(1);
      } finally {
        await bridge.close();
      }
    });
  }
});
