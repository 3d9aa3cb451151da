/**
 * The lookup's shortcuts under load: concurrent lookups share the questions in flight, and a stone found in
 * two steps is asked of every platform in one step the next time. Both are checked by the calls that reach
 * the platforms' clients, over the real simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { InFlightQuestions } from '../../src/lookup/coalesce.js';
import { createLookup, type Lookup } from '../../src/lookup/lookup.js';
import { setFaults, startBridge, storeLedgerRough, type TestBridge } from '../api/support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ queues: false });
});
afterAll(async () => {
  await bridge.close();
});

/** Every call a lookup makes to a platform's client, as `get REF` or `find {identifiers}`. */
function countingLookup(): { lookup: Lookup; calls: Map<string, string[]> } {
  const calls = new Map<string, string[]>();
  const platforms = [...bridge.built.adapters.values()].map((adapter) => {
    const client = bridge.built.clients.get(adapter.name) as PlatformClient;
    const log = (call: string): void =>
      void calls.set(adapter.name, [...(calls.get(adapter.name) ?? []), call]);
    const counted: PlatformClient = {
      ...client,
      get: (ref) => (log(`get ${ref}`), client.get(ref)),
      find: (identifiers) => (log(`find ${JSON.stringify(identifiers)}`), client.find(identifiers)),
    };
    return { ...adapter, client: counted };
  });
  return { lookup: createLookup({ store: bridge.built.services.store, platforms }), calls };
}

describe('shared lookup work', () => {
  it('asks the ledger by the Tracr ID a GIA report named, in one step, on the second lookup', async () => {
    const { lookup, calls } = countingLookup();
    const query = { name: 'giaReportNumber', value: '2141438171' } as const;
    const first = await lookup(query);
    expect(first.platforms.tracr).toMatchObject({ status: 'found', ref: 'TRACR-E0510000A171' });
    expect(calls.get('tracr')).toEqual([
      'find {"giaReportNumber":"2141438171"}',
      expect.stringMatching(/^find /),
    ]);

    calls.clear();
    const second = await lookup(query);
    expect(calls.get('tracr')).toEqual(['get TRACR-E0510000A171']);
    expect(second.platforms).toMatchObject({
      gia: { status: 'found', ref: '2141438171' },
      tracr: { status: 'found', ref: 'TRACR-E0510000A171' },
    });
    expect(second.merged?.sources).toEqual(first.merged?.sources);
  });

  it('lets concurrent lookups of one stone share each platform question, and asks afresh once answered', async () => {
    const { lookup, calls } = countingLookup();
    const query = { name: 'tracrId', value: 'TRACR-E0510000A171' } as const;
    // A slow ledger keeps the first question in flight while the second lookup reads the bridge's store.
    await setFaults(bridge.tracr, { latencyMs: 200 });
    const [one, two] = await Promise.all([lookup(query), lookup(query)]).finally(() =>
      setFaults(bridge.tracr, { latencyMs: 0 }),
    );
    expect(one.platforms.tracr?.status).toBe('found');
    expect(two.platforms.tracr?.status).toBe('found');
    // Both lookups start together, so the second finds the first's question to the ledger still in flight.
    expect(calls.get('tracr')).toHaveLength(1);
    calls.clear();
    await lookup(query);
    expect(calls.get('tracr')).toHaveLength(1);
  });

  it("reuses an unchanged stone's merged record and mismatches, and works them out afresh after a change", async () => {
    const { lookup } = countingLookup();
    const { store } = bridge.built.services;
    const saved = await storeLedgerRough(bridge, 'SHARED-1');
    const query = { name: 'id', value: saved.id } as const;
    const first = await lookup(query);
    const second = await lookup(query);
    expect(second.platforms.tracr?.status).toBe('found');
    expect(second.merged).toBe(first.merged);
    expect(second.mismatches).toBe(first.mismatches);

    // The bridge's record changes (a new version): the merge sees the new value, the bridge its source.
    const stored = await store.diamonds.get(saved.id);
    expect(first.merged?.record.identifiers?.producerRef).toBe('SHARED-1');
    await store.diamonds.save(
      { ...stored!.record, identifiers: { ...stored!.record.identifiers, producerRef: 'SHARED-2' } },
      { actor: 'test', action: 'update', expectedVersion: stored!.version },
    );
    const third = await lookup(query);
    expect(third.merged).not.toBe(first.merged);
    expect(third.merged?.record.identifiers?.producerRef).toBe('SHARED-2');
    expect(third.merged?.sources['identifiers.producerRef']).toBe('bridge');
  });
});

describe('InFlightQuestions', () => {
  it('answers a question in flight to every asker and forgets it once settled, failures included', async () => {
    const questions = new InFlightQuestions<string>();
    let asked = 0;
    let release: (answer: string) => void = () => undefined;
    const ask = (): Promise<string> => {
      asked++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = questions.ask('stone', ask);
    const second = questions.ask('stone', ask);
    expect(asked).toBe(1);
    release('found');
    expect(await Promise.all([first, second])).toEqual(['found', 'found']);
    expect(questions.size).toBe(0);

    const failing = questions.ask('stone', () => Promise.reject(new Error('platform down')));
    await expect(failing).rejects.toThrow('platform down');
    expect(questions.size).toBe(0);
    expect(await questions.ask('stone', () => Promise.resolve('again'))).toBe('again');
  });
});
