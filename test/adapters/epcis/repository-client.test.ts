/**
 * The epcis adapter's repository client against the simulator over HTTP: captures that honour the
 * repository's limits, writes that never repeat an act, corrections by error declaration, paged reads and
 * a change feed that resumes inside one capture's record time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEpcisSimulator } from '../../../sim/epcis/index.js';
import type { PlatformClient } from '../../../src/adapters/contract.js';
import { PlatformError } from '../../../src/adapters/errors.js';
import { epcisAdapter } from '../../../src/adapters/epcis/index.js';
import type { AnyEpcisDocument } from '../../../src/adapters/epcis/types.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { startReplyDropper } from '../../queue/reply-dropper.js';
import { captureJobs, storedEvents } from '../../sim/epcis/support.js';
import { committedWrites, connectOptions, repositoryFarSide, startRepository } from './repository.js';

let sim: RunningEpcisSimulator;
let client: PlatformClient<AnyEpcisDocument>;
beforeAll(async () => {
  sim = await startRepository({ captureLimit: 4 });
  client = epcisAdapter.connect(connectOptions(sim));
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await repositoryFarSide(sim).reset();
  sim.limits.events = 4;
});

const epcOf = (id: string): string => `https://id.tracebridge.dev/diamond/${id}`;

/** A rough stone with `n` recorded transfers after its registration: n + 1 events. */
function travelledRough(id: string, n: number): DiamondRecord {
  return {
    schemaVersion: '1',
    id,
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { producerRef: `REF-${id}` },
    origin: { country: 'CA', mine: 'Diavik' },
    rough: { caratWeight: 7.25 },
    events: [
      { type: 'registered', at: '2024-01-01T00:00:00Z', platform: 'tracr', ref: `0x${id}` },
      ...Array.from({ length: n }, (_, i) => ({
        type: 'transferred' as const,
        at: `2024-01-${String(2 + i).padStart(2, '0')}T00:00:00Z`,
        platform: 'tracr',
        ref: `0x${id}t${i}`,
        from: `org-${i}`,
        to: `org-${i + 1}`,
      })),
    ],
  };
}

const live = async (epc: string) => {
  const stored = (await storedEvents(sim.url, epc)).map((s) => s.event);
  const declared = new Set(stored.filter((e) => e.errorDeclaration !== undefined).map((e) => e.eventID));
  return stored.filter((e) => e.errorDeclaration === undefined && !declared.has(e.eventID));
};

describe('epcis repository client: writes', () => {
  it('captures a stone in captures no larger than the announced limit, and reads it back whole over pages', async () => {
    const stone = travelledRough('tb_limits000001', 9);
    expect(await client.put(stone, { idempotencyKey: 'k1' })).toEqual({
      ref: epcOf(stone.id!),
      outcome: 'created',
    });
    const jobs = await captureJobs(sim.url);
    expect(jobs.map((job) => job.stored)).toEqual([4, 4, 2]);
    const read = await client.get(epcOf(stone.id!));
    expect(read?.canonical.events).toEqual(stone.events);
    expect(read?.canonical.rough).toEqual({ caratWeight: 7.25 });
    expect((await client.get(stone.id!))?.ref).toBe(epcOf(stone.id!));
  });

  it('splits a capture the repository refuses with 413 after lowering its limit', async () => {
    await client.put(travelledRough('tb_limits000002', 0), { idempotencyKey: 'k2' });
    sim.limits.events = 2;
    const stone = travelledRough('tb_limits000003', 4);
    await client.put(stone, { idempotencyKey: 'k3' });
    const jobs = (await captureJobs(sim.url)).slice(1);
    expect(jobs.every((job) => job.stored <= 2)).toBe(true);
    expect(await live(epcOf(stone.id!))).toHaveLength(5);
  });

  it('a put repeated after its capture reply was lost writes each act once', async () => {
    const path = await startReplyDropper(sim.url);
    const lossy = epcisAdapter.connect({ ...connectOptions(sim), url: path.url });
    const stone = travelledRough('tb_dropped00001', 2);
    path.dropping = (call) => call.method === 'POST' && call.path.startsWith('/capture');
    const lost = await lossy.put(stone, { idempotencyKey: 'k4' }).catch((error: unknown) => error);
    path.dropping = null;
    await path.close();
    expect(path.dropped).toBe(1);
    expect(lost).toBeInstanceOf(PlatformError);
    expect(lost).toMatchObject({ failure: 'retryable', ambiguous: true });
    // The capture landed: the retry finds every act held and writes nothing.
    expect(await client.put(stone, { idempotencyKey: 'k4' })).toMatchObject({ outcome: 'unchanged' });
    expect(await storedEvents(sim.url, epcOf(stone.id!))).toHaveLength(3);
    expect(await committedWrites(sim, epcOf(stone.id!))).toBe(1);
  });

  it('a changed weight declares the held registration in error, naming its successor, and reads back the new weight', async () => {
    const stone = travelledRough('tb_corrected001', 1);
    await client.put(stone, { idempotencyKey: 'k5' });
    const corrected = { ...stone, rough: { caratWeight: 7.3 } };
    expect(await client.put(corrected, { idempotencyKey: 'k6' })).toMatchObject({ outcome: 'updated' });
    const births = (await live(epcOf(stone.id!))).filter((e) => e.action === 'ADD');
    expect(births).toHaveLength(1);
    const declarations = (await storedEvents(sim.url, epcOf(stone.id!))).filter(
      (s) => s.event.errorDeclaration,
    );
    expect(declarations).toHaveLength(1);
    expect(declarations[0]!.event.errorDeclaration).toMatchObject({
      reason: 'incorrect_data',
      correctiveEventIDs: [births[0]!.eventID],
    });
    expect((await client.get(stone.id!))?.canonical.rough).toEqual({ caratWeight: 7.3 });
    // Back to the first weight: a registration of its own, never the retracted one revived.
    await client.put(stone, { idempotencyKey: 'k7' });
    expect((await client.get(stone.id!))?.canonical.rough).toEqual({ caratWeight: 7.25 });
    expect((await live(epcOf(stone.id!))).filter((e) => e.action === 'ADD')).toHaveLength(1);
  });

  it('finds a stone by an identifier its master data carries', async () => {
    const stone = travelledRough('tb_findable0001', 0);
    await client.put(stone, { idempotencyKey: 'k8' });
    expect((await client.find({ producerRef: 'REF-tb_findable0001' })).map((r) => r.ref)).toEqual([
      epcOf(stone.id!),
    ]);
    expect(await client.find({ producerRef: 'REF-nobody' })).toEqual([]);
  });
});

describe('epcis repository client: stones named before they are described', () => {
  it('a polished stone cut from a rough not yet written: find gives the polished stone only, and the rough reads as not held', async () => {
    const polished: DiamondRecord = {
      schemaVersion: '1',
      id: 'tb_cutchild00001',
      kind: 'polished',
      identifiers: { tracrId: 'TRACR-00000000C401' },
      polished: { shape: 'round', caratWeight: 0.61, color: { scale: 'DZ', grade: 'G' }, clarity: 'VS1' },
      lineage: { parentId: 'tb_cutparent0001' },
    };
    await client.put(polished, { idempotencyKey: 'k9' });
    expect((await client.find({ tracrId: 'TRACR-00000000C401' })).map((r) => r.ref)).toEqual([
      epcOf('tb_cutchild00001'),
    ]);
    expect(await client.get('tb_cutparent0001')).toBeNull();
  });
});

describe('epcis repository client: change feed', () => {
  it('resumes inside one capture: every stone of it comes once, whatever the page size', async () => {
    const ids = ['tb_feedstone001', 'tb_feedstone002', 'tb_feedstone003'];
    const first = await client.changes!(null);
    // One capture records several stones at one record time; pages of 2 events cut through it.
    sim.limits.events = 50;
    for (const id of ids) await client.put(travelledRough(id, 1), { idempotencyKey: id });
    const seen: string[] = [];
    let cursor = first.cursor;
    for (let pages = 0; pages < 20; pages++) {
      const page = await client.changes!(cursor);
      seen.push(...page.changes.map((c) => c.ref));
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect([...new Set(seen)].sort()).toEqual(ids.map(epcOf));
    const after = await client.changes!(cursor);
    expect(after.changes).toEqual([]);
    expect(after.cursor).toBe(cursor);
  });
});
