/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Sync jobs after a long outage: hundreds of failed jobs per platform are listed a page at a time with a
 * cursor, a producer's own failed jobs are found however many other organisations' jobs failed after
 * them, and `POST /v1/jobs/retry` (and `tracebridge jobs retry`) brings them all back by filter.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncJobId, syncQueueName } from '../../src/queue/job-ids.js';
import { syncJobCounts } from '../../src/queue/queues.js';
import { runCli } from '../support/cli.js';
import { bearer, startBridge, type Server, type TestBridge } from './support.js';

let bridge: TestBridge;
const demoStones: string[] = [];
const OTHERS = 600;
const DEMO = 6;

/** Stores `count` rough stones of `org` and queues a sync job for each on `platforms`. */
async function stonesWithJobs(org: string, count: number, platforms: string[]): Promise<string[]> {
  const { store, queues } = bridge.built.services;
  const results = await store.diamonds.saveMany(
    Array.from({ length: count }, (_, i) => ({
      record: {
        schemaVersion: '1' as const,
        kind: 'rough' as const,
        owner: { org },
        identifiers: { producerRef: `${org}-OUTAGE-${i}` },
        rough: { caratWeight: 1 + i / 1000 },
      },
    })),
    { actor: 'test', action: 'register' },
  );
  const ids = results.map((result) => result.id);
  for (const platform of platforms) {
    await Promise.all(
      queues!.syncPartitions(platform).map((queue) =>
        queue.addBulk(
          ids
            .filter((diamondId) => queues!.sync(platform, diamondId) === queue)
            .map((diamondId) => {
              const hash = createHash('sha256').update(diamondId).digest('hex');
              return {
                name: 'sync',
                data: { diamondId, hash },
                opts: { jobId: syncJobId(platform, diamondId, hash) },
              };
            }),
        ),
      ),
    );
  }
  return ids;
}

/** Fails every waiting job of `platform` with a reason per stone, through a real BullMQ worker. */
async function failAll(platform: string, reasonOf: (diamondId: string) => string, expected: number) {
  const queues = bridge.built.services.queues!;
  const connection = new Redis(bridge.redis.url, { maxRetriesPerRequest: null });
  const workers = queues
    .syncPartitions(platform)
    .map(
      (queue) =>
        new Worker(
          syncQueueName(platform),
          (job) =>
            Promise.reject(new UnrecoverableError(reasonOf((job.data as { diamondId: string }).diamondId))),
          { connection, prefix: queue.opts.prefix!, concurrency: 50 },
        ),
    );
  try {
    while (((await syncJobCounts(queues, platform, 'failed')).failed ?? 0) < expected)
      await new Promise((r) => setTimeout(r, 50));
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await connection.quit();
  }
}

beforeAll(async () => {
  bridge = await startBridge();
  // The producer's jobs failed first; then the platform failed the other organisation's, hundreds of them.
  demoStones.push(...(await stonesWithJobs('demo-mining', DEMO, ['gia', 'tracr'])));
  const demo = new Set(demoStones);
  await failAll('tracr', () => 'ledger unavailable (HTTP 503)', DEMO);
  await failAll(
    'gia',
    (id) => (demo.has(id) ? 'GIA intake refused: ROUGH_WEIGHT_CARATS missing' : 'quota exhausted'),
    DEMO,
  );
  await stonesWithJobs('kalahari-mining', OTHERS, ['gia']);
  await failAll('gia', () => 'quota exhausted', DEMO + OTHERS);
}, 120_000);
afterAll(async () => {
  await bridge.close();
});

async function everyPage(
  who: string,
  query: Record<string, string>,
): Promise<{ id: string; data: { diamondId: string } }[]> {
  const jobs: { id: string; data: { diamondId: string } }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer: request.Response = await request(bridge.app)
      .get('/v1/jobs')
      .query({ ...query, ...(cursor === null ? {} : { cursor }) })
      .set('authorization', who);
    expect(answer.status).toBe(200);
    jobs.push(...(answer.body.jobs as typeof jobs));
    cursor = answer.body.cursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor !== null);
  return jobs;
}

describe('GET /v1/jobs paging', () => {
  it('pages past 500 failed jobs of one platform with an opaque cursor, each job exactly once', async () => {
    const jobs = await everyPage(bearer.admin, { state: 'failed', platform: 'gia', limit: '250' });
    expect(jobs).toHaveLength(DEMO + OTHERS);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(DEMO + OTHERS);
  });

  it("a producer's failed jobs do not hide behind hundreds of other organisations' newer ones", async () => {
    const answer = await request(bridge.app)
      .get('/v1/jobs')
      .query({ state: 'failed', limit: '100' })
      .set('authorization', bearer.producer);
    expect(answer.status).toBe(200);
    expect(answer.body.jobs).toHaveLength(2 * DEMO);
    for (const job of answer.body.jobs) expect(demoStones).toContain(job.data.diamondId);
    const everything = await everyPage(bearer.producer, { limit: '5' });
    expect(everything).toHaveLength(2 * DEMO);
  });

  it('a cursor that is not one this listing gave is a 400 naming the cursor', async () => {
    const first = await request(bridge.app)
      .get('/v1/jobs')
      .query({ state: 'failed', platform: 'gia', limit: '10' })
      .set('authorization', bearer.admin);
    const other = await request(bridge.app)
      .get('/v1/jobs')
      .query({ state: 'failed', platform: 'tracr', cursor: first.body.cursor })
      .set('authorization', bearer.admin);
    expect(other.status).toBe(400);
    expect(other.body.errors[0].pointer).toBe('#/query/cursor');
    const garbage = await request(bridge.app)
      .get('/v1/jobs')
      .query({ cursor: 'not-a-cursor' })
      .set('authorization', bearer.admin);
    expect(garbage.status).toBe(400);
  });
});

describe('POST /v1/jobs/retry', () => {
  it("a producer retries its own failed jobs by reason, and never another organisation's", async () => {
    const forbidden = await request(bridge.app)
      .post('/v1/jobs/retry')
      .set('authorization', bearer.producer)
      .send({ org: 'kalahari-mining' });
    expect(forbidden.status).toBe(403);
    const answer = await request(bridge.app)
      .post('/v1/jobs/retry')
      .set('authorization', bearer.producer)
      .send({ platform: 'gia', failedReason: 'rough_weight_carats' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ retried: DEMO, platforms: { gia: DEMO } });
    expect(await syncJobCounts(bridge.built.services.queues!, 'gia', 'failed', 'waiting')).toEqual({
      failed: OTHERS,
      waiting: DEMO,
    });
  });

  it('a filter body of the wrong shape is a 400 naming the field, retrying nothing', async () => {
    const answer = await request(bridge.app)
      .post('/v1/jobs/retry')
      .set('authorization', bearer.admin)
      .send({ platform: 'gia', state: 'completed' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].pointer).toBe('/state');
    expect((await syncJobCounts(bridge.built.services.queues!, 'gia', 'failed')).failed).toBe(OTHERS);
  });

  it('tracebridge jobs retry brings back a platform after an outage, against a running bridge', async () => {
    const server: Server = await new Promise((resolve) => {
      const listening = bridge.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const saved = { url: process.env.TRACEBRIDGE_API_URL, key: process.env.TRACEBRIDGE_API_KEY };
    process.env.TRACEBRIDGE_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.TRACEBRIDGE_API_KEY = 'demo-admin-key';
    try {
      const run = await runCli(['jobs', 'retry', '--platform', 'gia', '--reason', 'QUOTA']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ retried: OTHERS, platforms: { gia: OTHERS } });
      const tracr = await runCli(['jobs', 'retry', '--state', 'failed']);
      expect(JSON.parse(tracr.stdout)).toEqual({ retried: DEMO, platforms: { tracr: DEMO } });
      expect((await runCli(['jobs', 'retry', '--platform'])).code).toBe(2);
      expect((await runCli(['jobs', 'forget'])).code).toBe(2);
    } finally {
      process.env.TRACEBRIDGE_API_URL = saved.url;
      process.env.TRACEBRIDGE_API_KEY = saved.key;
      if (saved.url === undefined) delete process.env.TRACEBRIDGE_API_URL;
      if (saved.key === undefined) delete process.env.TRACEBRIDGE_API_KEY;
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
