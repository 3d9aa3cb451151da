/**
 * The one wrapper every client call goes through counts each stone written by its outcome, and a failed
 * write by its failure class, whether the platform took it alone or in a batch.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformClient, PutItem } from '../../src/adapters/contract.js';
import { PlatformError } from '../../src/adapters/errors.js';
import { instrumentClient } from '../../src/metrics/instrument-client.js';
import { createMetrics } from '../../src/metrics/bridge-metrics.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const refused = new PlatformError('grading is the lab’s act', {
  adapter: 'ledger',
  failure: 'unrecoverable',
});

/** A platform that takes every stone but the one whose producerRef says `refuse`. */
const platform: PlatformClient = {
  get: () => Promise.resolve(null),
  find: () => Promise.resolve([]),
  put: (record) =>
    record.identifiers?.producerRef === 'refuse'
      ? Promise.reject(refused)
      : Promise.resolve({ ref: record.identifiers?.producerRef ?? '', outcome: 'created' }),
  putMany: (items: PutItem[]) => Promise.allSettled(items.map((item) => platform.put(item.record, item))),
  health: () => Promise.resolve({ ok: true, latencyMs: 0 }),
};

const stone = (producerRef: string): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef },
});

describe('instrumentClient', () => {
  it('counts written stones by outcome and failed ones by failure class, batched or not', async () => {
    const metrics = createMetrics();
    const client = instrumentClient('ledger', platform, metrics);
    await client.put(stone('a'), { idempotencyKey: 'a' });
    await expect(client.put(stone('refuse'), { idempotencyKey: 'r' })).rejects.toBe(refused);
    await client.putMany!([
      { record: stone('b'), idempotencyKey: 'b' },
      { record: stone('refuse'), idempotencyKey: 'r2' },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('tracebridge_platform_writes_total{platform="ledger",outcome="created"} 2');
    expect(text).toContain('tracebridge_platform_writes_total{platform="ledger",outcome="unrecoverable"} 2');
    expect(text).toContain(
      'tracebridge_platform_call_duration_seconds_count{platform="ledger",operation="putMany",outcome="ok"} 1',
    );
  });
});
