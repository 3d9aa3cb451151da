/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Where a producer's stones stand on each platform, through real workers and both simulators: counts per
 * status, the stones in one status with the reason a platform was not written, paged, and never another
 * organisation's stones.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { waitUntil } from '../queue/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
const demo: string[] = [];
let refused: string;
let unsent: string;
let kalahari: string;

/**
 * A rough stone the registry's intake takes, unless `producer` (the mine company it files under) is left
 * out, or its control number is one the intake refuses.
 */
const rough = (
  producerRef: string,
  caratWeight: number,
  {
    producer = 'Demo Mining',
    roughControlNumber = `RCN-${producerRef}`,
  }: { producer?: string | null; roughControlNumber?: string } = {},
) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef, roughControlNumber },
  origin: { country: 'BW', mine: 'Jwaneng', ...(producer === null ? {} : { producer }) },
  rough: { caratWeight },
});

const summary = (who: string) => request(bridge.app).get('/v1/sync/summary').set('authorization', who);
const stones = (who: string, query: Record<string, string>) =>
  request(bridge.app).get('/v1/sync/stones').query(query).set('authorization', who);

beforeAll(async () => {
  // Only demo-mining has a ledger signer: kalahari-mining's registration is not permitted on the ledger.
  bridge = await startBridge({
    workers: true,
    signAs: null,
    orgs: [
      {
        org: 'demo-mining',
        tracr: { participantId: 'demo-mining', privateKey: sandboxParticipantKey('demo-mining') },
      },
    ],
  });
  const register = async (who: string, body: object): Promise<string> => {
    const answer = await request(bridge.app).post('/v1/diamonds').set('authorization', who).send(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body.id as string;
  };
  for (let i = 0; i < 5; i += 1)
    demo.push(await register(bearer.producer, rough(`OVERVIEW-${i}`, 1 + i / 10)));
  // Without the mine company the registry files a stone under, the bridge never sends it there.
  unsent = await register(bearer.producer, rough('OVERVIEW-NO-PRODUCER', 1.8, { producer: null }));
  kalahari = await register(bearer.otherProducer, rough('OVERVIEW-KAL', 2.2));
  // The registry's intake refuses a control number with spaces: the job fails for good.
  refused = await register(
    bearer.otherProducer,
    rough('OVERVIEW-REFUSED', 1.9, { roughControlNumber: 'LOT 7 #A' }),
  );
  await waitUntil(
    'every job has settled',
    async () => {
      const answer = await summary(bearer.admin);
      const platforms = (answer.body.platforms ?? {}) as Record<string, Record<string, number>>;
      const counts = Object.values(platforms);
      return counts.length === 2 && counts.every((count) => count.pending === 0) ? true : undefined;
    },
    60_000,
  );
}, 120_000);
afterAll(async () => {
  await bridge.close();
});

/** Every page of the listing, for `who`. */
async function everyStone(who: string, query: Record<string, string> = {}, limit = '2') {
  const seen: { id: string; sync: Record<string, { status: string; reason?: string; job?: string }> }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer: request.Response = await stones(who, {
      ...query,
      limit,
      ...(cursor === null ? {} : { cursor }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.stones.length).toBeLessThanOrEqual(Number(limit));
    seen.push(...(answer.body.stones as typeof seen));
    cursor = answer.body.cursor;
    pages += 1;
  } while (cursor !== null && pages < 100);
  return seen;
}

describe('GET /v1/sync/summary', () => {
  it("counts a producer's own stones per platform and status, as the listing shows them", async () => {
    // The feeds keep running while the summary and the listing are read (the ledger's feed brings each
    // stone's ledger ID, whose registry job then runs): a stone may go pending and back between two reads.
    // Compare a listing with the summary read on both sides of it, once nothing moved in between.
    const countOf = (listed: Awaited<ReturnType<typeof everyStone>>) => {
      const counted: Record<string, Record<string, number>> = {};
      for (const row of listed)
        for (const [platform, entry] of Object.entries(row.sync)) {
          counted[platform] ??= { in_sync: 0, pending: 0, failed: 0, not_synced: 0, not_permitted: 0 };
          counted[platform][entry.status]! += 1;
        }
      return counted;
    };
    let answer = await summary(bearer.producer);
    let listed = await everyStone(bearer.producer);
    for (let tries = 0; tries < 40; tries++) {
      const after = await summary(bearer.producer);
      const still = JSON.stringify(after.body) === JSON.stringify(answer.body);
      if (still && JSON.stringify(countOf(listed)) === JSON.stringify(answer.body.platforms)) break;
      answer = after;
      listed = await everyStone(bearer.producer);
    }
    expect(answer.status).toBe(200);
    // The producer's registrations, and the ledger's sample stones of its own participant the feed brought.
    expect(listed.map((row) => row.id)).toEqual(expect.arrayContaining([...demo, unsent]));
    expect(answer.body.stones).toBe(listed.length);
    const counted = countOf(listed);
    expect(answer.body.platforms).toEqual(counted);
    expect(answer.body.platforms.gia).toMatchObject({ failed: 0, pending: 0 });
    expect(answer.body.platforms.gia.not_synced).toBeGreaterThanOrEqual(1);
    expect(answer.body.platforms.tracr).toMatchObject({ failed: 0, not_permitted: 0, not_synced: 0 });
  });

  it("counts another organisation's stones for it alone: its two, not permitted on the ledger, one refused by the registry", async () => {
    const answer = await summary(bearer.otherProducer);
    expect(answer.body).toEqual({
      stones: 2,
      platforms: {
        gia: { in_sync: 1, pending: 0, failed: 1, not_synced: 0, not_permitted: 0 },
        tracr: { in_sync: 0, pending: 0, failed: 0, not_synced: 0, not_permitted: 2 },
      },
    });
  });

  it('counts every stone for an admin, and is not for a reader', async () => {
    const all = (await summary(bearer.admin)).body.stones as number;
    const mine = (await summary(bearer.producer)).body.stones as number;
    expect(all).toBe((await everyStone(bearer.admin, {}, '500')).length);
    expect(all).toBeGreaterThan(mine);
    expect((await summary(bearer.reader)).status).toBe(403);
  });
});

describe('GET /v1/sync/stones', () => {
  it('lists the failed stone with the reason the platform gave, and its job', async () => {
    const answer = await stones(bearer.otherProducer, { status: 'failed' });
    expect(answer.status).toBe(200);
    expect(answer.body.stones).toHaveLength(1);
    const [row] = answer.body.stones as [{ sync: { gia: { status: string; reason: string; job: string } } }];
    expect(row).toMatchObject({ id: refused, producerRef: 'OVERVIEW-REFUSED' });
    expect(Object.keys(row.sync)).toEqual(['gia']);
    expect(row.sync.gia.status).toBe('failed');
    expect(row.sync.gia.reason).toContain('rough_control_no');
    expect(row.sync.gia.job).toMatch(/^sync-gia-/);
  });

  it('says why a stone was never sent to a platform: what the record lacks', async () => {
    const answer = await stones(bearer.producer, { platform: 'gia', status: 'not_synced' });
    const row = (answer.body.stones as { id: string; sync: { gia: { reason?: string } } }[]).find(
      (entry) => entry.id === unsent,
    );
    expect(row?.sync.gia.reason).toContain('/origin/producer');
  });

  it('lists a stone not permitted on the ledger with the act and who may not take it', async () => {
    const answer = await stones(bearer.otherProducer, { platform: 'tracr', status: 'not_permitted' });
    const rows = answer.body.stones as { id: string; sync: { tracr: { reason: string } } }[];
    expect(rows.map((row) => row.id)).toEqual([kalahari, refused].sort());
    expect(rows[0]!.sync.tracr.reason).toMatch(/kalahari-mining/);
    // The same filter for the other producer finds none of its stones, and never this one.
    expect(
      (await stones(bearer.producer, { platform: 'tracr', status: 'not_permitted' })).body.stones,
    ).toEqual([]);
  });

  it('pages with a cursor: each stone once, in bridge ID order, whatever the page size', async () => {
    const byTwo = (await everyStone(bearer.producer, { platform: 'gia' })).map((row) => row.id);
    const whole = (await everyStone(bearer.producer, { platform: 'gia' }, '500')).map((row) => row.id);
    expect(byTwo).toEqual(whole);
    expect(new Set(byTwo).size).toBe(byTwo.length);
    expect(byTwo).toEqual([...byTwo].sort());
    expect(byTwo).toEqual(expect.arrayContaining([...demo, unsent]));
    expect(byTwo).not.toContain(kalahari);
  });

  it('refuses a filter it does not know, naming the parameter', async () => {
    for (const [query, field] of [
      [{ status: 'lost' }, '#/query/status'],
      [{ platform: 'nowhere' }, '#/query/platform'],
      [{ cursor: 'not-a-stone' }, '#/query/cursor'],
      [{ limit: '0' }, '#/query/limit'],
    ] as const) {
      const answer = await stones(bearer.producer, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(field);
    }
  });
});
