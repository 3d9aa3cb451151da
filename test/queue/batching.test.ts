/**
 * What spares the sync path work without weakening it: puts of one wave of jobs share one `putMany` call,
 * and a written-back Tracr ID queues no job for a platform whose written form it does not change.
 */
import { describe, expect, it } from 'vitest';
import type { PlatformClient, PutItem, PutResult } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createPutBatcher } from '../../src/queue/batcher.js';
import { writtenFormChanges } from '../../src/sync/compare.js';
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

/**
 * A client whose calls stay open until the test answers them, counting how many are in flight at once;
 * `putMany` can be left out to stand for a platform that takes one stone per call.
 */
function heldClient(batched: boolean) {
  const open: (() => void)[] = [];
  const state = { inFlight: 0, most: 0, calls: 0, items: 0 };
  const hold = <T>(answer: T): Promise<T> => {
    state.calls++;
    state.inFlight++;
    state.most = Math.max(state.most, state.inFlight);
    return new Promise<T>((resolve) =>
      open.push(() => {
        state.inFlight--;
        resolve(answer);
      }),
    );
  };
  const created = (item: PutItem): PutResult => ({ ref: item.idempotencyKey, outcome: 'created' });
  const client: PlatformClient = {
    get: () => Promise.resolve(null),
    find: () => Promise.resolve([]),
    put: (record, options) => {
      state.items++;
      return hold(created({ record, ...options }));
    },
    health: () => Promise.resolve({ ok: true, latencyMs: 0 }),
    ...(batched
      ? {
          putMany: (items: PutItem[]) => {
            state.items += items.length;
            return hold(items.map((item) => ({ status: 'fulfilled' as const, value: created(item) })));
          },
        }
      : {}),
  };
  /** Answers every call open now and lets the batcher react to the answers. */
  const answerOpen = async (): Promise<void> => {
    for (const answer of open.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { client, state, answerOpen, openCalls: () => open.length };
}

describe('platform calls in flight', () => {
  it('never has more than `concurrency` putMany calls out while more jobs wait, and every put is answered', async () => {
    const { client, state, answerOpen, openCalls } = heldClient(true);
    const batcher = createPutBatcher(client, { maxBatch: 4, concurrency: 2, maxWaitMs: 60_000 });
    const jobs = Array.from({ length: 30 }, () => batcher.expect());
    const puts = jobs.map((done, n) => {
      const put = batcher.put(rough(n), `key-${n}`);
      done();
      return put;
    });
    // Thirty jobs' puts are in, enough for eight calls; only two may be out.
    expect(state.inFlight).toBe(2);
    expect(state.items).toBe(8);
    while (openCalls() > 0) await answerOpen();
    const results = await Promise.all(puts);
    expect(results.map((r) => r.ref)).toEqual(puts.map((_, n) => `key-${n}`));
    expect(state.most).toBe(2);
    expect(state.items).toBe(30);
    // The jobs that waited went out together once a call came back, not one call each.
    expect(state.calls).toBeLessThan(30 / 2);
  });

  it('never has more than `concurrency` put calls out for a platform without putMany', async () => {
    const { client, state, answerOpen, openCalls } = heldClient(false);
    const batcher = createPutBatcher(client, { maxBatch: 1, concurrency: 3 });
    const puts = Array.from({ length: 10 }, (_, n) => batcher.put(rough(n), `key-${n}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.inFlight).toBe(3);
    while (openCalls() > 0) await answerOpen();
    await expect(Promise.all(puts)).resolves.toHaveLength(10);
    expect(state.most).toBe(3);
    expect(state.calls).toBe(10);
  });

  it('refuses a concurrency below 1, naming the value', () => {
    expect(() => createPutBatcher(heldClient(true).client, { maxBatch: 4, concurrency: 0 })).toThrow(
      /concurrency=0/,
    );
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
