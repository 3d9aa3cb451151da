/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * The bridge with its sync queues split into three partitions on one Redis node: stones registered
 * through the API are synced to both platforms exactly once, each job is found by its ID in its stone's
 * partition, and `GET /v1/jobs` pages through every partition, each job once.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJobs } from '../../src/queue/job-views.js';
import { partitionOf, partitionPrefix } from '../../src/queue/partitions.js';
import { syncJobCounts } from '../../src/queue/queues.js';
import { waitUntil } from '../queue/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

const STONES = 12;
let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ workers: true, queuePartitions: 3 });
}, 60_000);
afterAll(async () => {
  await bridge.close();
});

const rough = (n: number) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef: `PART-${n}`, roughControlNumber: `RCN-PART-${n}` },
  origin: { country: 'BW', mine: 'Jwaneng', producer: 'Debswana' },
  rough: { caratWeight: 1.5 + n / 100 },
});

const ledgerRegistrations = async (): Promise<number> => {
  const state = (await (await fetch(`${bridge.tracr.url}/admin/state`)).json()) as {
    committedByType: Record<string, number>;
  };
  return state.committedByType.REGISTER_ROUGH ?? 0;
};

describe('three sync queue partitions on one Redis node', () => {
  const jobIds: string[] = [];
  const stoneIds: string[] = [];

  it('syncs each stone registered through the API to both platforms exactly once', async () => {
    const queues = bridge.built.services.queues!;
    expect(queues.syncPartitions('gia').map((queue) => queue.opts.prefix)).toEqual(
      [0, 1, 2].map((partition) => partitionPrefix('{tbtest}', partition, 3)),
    );
    const registeredBefore = await ledgerRegistrations();
    for (let n = 0; n < STONES; n++) {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', bearer.producer)
        .send(rough(n));
      expect(answer.status).toBe(202);
      stoneIds.push(answer.body.id as string);
      jobIds.push(...(answer.body.jobs as { id: string }[]).map((job) => job.id));
    }
    expect(jobIds).toHaveLength(2 * STONES);
    // Twelve stones over three partitions: more than one partition is in use.
    expect(new Set(stoneIds.map((id) => partitionOf(id, 3))).size).toBeGreaterThan(1);
    await waitUntil('every stone is on both platforms', async () => {
      const stored = await bridge.built.services.store.diamonds.getMany(stoneIds);
      return stored.every((stone) => stone?.record.sources?.gia && stone.record.sources.tracr);
    });
    // The ledger's ID written back makes more jobs (the stone's new content goes to GIA too).
    await waitUntil('every sync job has completed', async () => {
      const counts = await Promise.all(
        ['gia', 'tracr'].map((platform) =>
          syncJobCounts(queues, platform, 'waiting', 'active', 'delayed', 'prioritized', 'failed'),
        ),
      );
      return counts.every((count) => Object.values(count).every((n) => n === 0));
    });
    const created = bridge.gia.state.intake.writes.filter(
      (write) => write.op === 'create' && write.rough_control_no.startsWith('RCN-PART-'),
    );
    expect(created).toHaveLength(STONES);
    expect(new Set(created.map((write) => write.rough_control_no)).size).toBe(STONES);
    expect((await ledgerRegistrations()) - registeredBefore).toBe(STONES);
    // Each stone's jobs sit in the partition its bridge ID chooses, and in no other.
    for (const id of stoneIds) {
      const partition = partitionOf(id, 3);
      const jobs = await Promise.all(
        queues.syncPartitions('gia').map((queue) => queue.getJobs(['completed'])),
      );
      jobs.forEach((list, index) =>
        expect(list.some((job) => job.data.diamondId === id)).toBe(index === partition),
      );
    }
  }, 60_000);

  it('finds each job by its ID with GET /v1/jobs/:id', async () => {
    for (const id of jobIds) {
      const answer = await request(bridge.app).get(`/v1/jobs/${id}`).set('authorization', bearer.admin);
      expect(answer.status, id).toBe(200);
      expect(answer.body).toMatchObject({ id, state: 'completed' });
    }
  });

  it("lists a platform's newest jobs across its partitions, by offset and limit, each once", async () => {
    const queues = bridge.built.services.queues!;
    const first = await listJobs(queues, { state: 'completed', platform: 'tracr', limit: 5 });
    const rest = await listJobs(queues, { state: 'completed', platform: 'tracr', offset: 5, limit: 100 });
    expect(first).toHaveLength(5);
    expect(first.length + rest.length).toBe((await syncJobCounts(queues, 'tracr', 'completed')).completed);
    const ids = [...first, ...rest].map((job) => job.id);
    expect(new Set(ids).size).toBe(ids.length);
    const created = [...first, ...rest].map((job) => job.createdAt);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('pages through the jobs of every partition, each job exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: request.Response = await request(bridge.app)
        .get('/v1/jobs')
        .query({ state: 'completed', limit: '5', ...(cursor === null ? {} : { cursor }) })
        .set('authorization', bearer.admin);
      expect(answer.status).toBe(200);
      expect(answer.body.jobs.length).toBeLessThanOrEqual(5);
      seen.push(...(answer.body.jobs as { id: string }[]).map((job) => job.id));
      cursor = answer.body.cursor;
      pages += 1;
      expect(pages).toBeLessThan(50);
    } while (cursor !== null);
    const queues = bridge.built.services.queues!;
    const everyJob = await Promise.all(
      ['gia', 'tracr'].flatMap((platform) =>
        queues.syncPartitions(platform).map((queue) => queue.getJobs(['completed'])),
      ),
    );
    const completed = everyJob.flat().map((job) => job.id);
    expect(new Set(completed)).toEqual(new Set([...jobIds, ...completed]));
    expect(seen).toHaveLength(completed.length);
    expect(new Set(seen)).toEqual(new Set(completed));
  });
});
