/**
 * What spares the sync path work without weakening it: puts of one wave of jobs share one `putMany` call,
 * and a written-back Tracr ID queues no job for a platform whose written form it does not change.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformClient, PutItem, PutResult } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createPutBatcher } from '../../src/queue/batcher.js';
import { writtenFormChanges } from '../../src/queue/compare.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

/** A client that answers every put at once and keeps each `putMany` call's items. */
function recordingClient(): { client: PlatformClient; calls: PutItem[][] } {
  const calls: PutItem[][] = [];
  const answer = (item: PutItem): PutResult => ({
    ref: item.record.identifiers?.roughControlNumber ?? '',
    outcome: 'created',
  });
  const client: PlatformClient = {
    get: () => Promise.resolve(null),
    find: () => Promise.resolve([]),
    put: (record, options) => Promise.resolve(answer({ record, ...options })),
    putMany: (items) => {
      calls.push(items);
      return Promise.resolve(items.map((item) => ({ status: 'fulfilled' as const, value: answer(item) })));
    },
    health: () => Promise.resolve({ ok: true, latencyMs: 0 }),
  };
  return { client, calls };
}

const rough = (n: number): DiamondRecord => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { roughControlNumber: `RCN-${n}`, producerRef: `LOT-${n}` },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
  rough: { caratWeight: 1.5 + n / 100 },
});

describe('batched puts', () => {
  it('sends the puts of every announced job in one putMany call once the last of them is in', async () => {
    const { client, calls } = recordingClient();
    const batcher = createPutBatcher(client, { maxBatch: 100, maxWaitMs: 60_000 });
    const jobs = [0, 1, 2].map(() => batcher.expect());
    const first = batcher.put(rough(0), 'key-0', null);
    jobs[0]!();
    const second = batcher.put(rough(1), 'key-1');
    jobs[1]!();
    expect(calls).toHaveLength(0);
    // The third job found nothing to write: the other two need not wait for it.
    jobs[2]!();
    await expect(Promise.all([first, second])).resolves.toEqual([
      { ref: 'RCN-0', outcome: 'created' },
      { ref: 'RCN-1', outcome: 'created' },
    ]);
    expect(calls.map((items) => items.map((item) => item.idempotencyKey))).toEqual([['key-0', 'key-1']]);
    expect(calls[0]![0]!.held).toBeNull();
    expect('held' in calls[0]![1]!).toBe(false);
  });

  it('releasing an announcement twice counts once, so it cannot release a batch another job still feeds', async () => {
    const { client, calls } = recordingClient();
    const batcher = createPutBatcher(client, { maxBatch: 100, maxWaitMs: 60_000 });
    const done = batcher.expect();
    const other = batcher.expect();
    const put = batcher.put(rough(0), 'key-0');
    done();
    done();
    expect(calls).toHaveLength(0);
    other();
    await put;
    expect(calls).toHaveLength(1);
  });
});

describe('follow-up jobs after a Tracr ID is written back', () => {
  const before = rough(7);
  const after: DiamondRecord = {
    ...before,
    identifiers: { ...before.identifiers, tracrId: 'TRACR-0123456789AB' },
  };

  it("GIA's intake has no field for a Tracr ID, so its written form does not change", () => {
    expect(writtenFormChanges(giaAdapter, before, after)).toBe(false);
  });

  it("the ledger's written form names the Tracr ID, so it does change", () => {
    expect(writtenFormChanges(tracrAdapter, before, after)).toBe(true);
  });
});
