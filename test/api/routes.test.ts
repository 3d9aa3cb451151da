/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- supertest answers are untyped JSON; each test asserts their shape */
/** Every route: its success answer and each error status it documents. */
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { syncQueueName } from '../../src/queue/job-ids.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReconcileWorker } from './reconcile-worker.js';
import { bearer, setFaults, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

const admin = (test: request.Test) => test.set('authorization', bearer.admin);
const polished = (report: string) => ({
  schemaVersion: '1',
  kind: 'polished',
  owner: { org: 'demo-mining' },
  identifiers: { giaReportNumber: report },
  polished: { shape: 'round', caratWeight: 1.01, color: { scale: 'DZ', grade: 'G' }, clarity: 'VS1' },
});

describe('POST /v1/diamonds', () => {
  it('registers a stone and answers 202 with its sync jobs and location', async () => {
    const answer = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000001'));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ outcome: 'created', version: 1 });
    expect(answer.body.id).toMatch(/^tb_/);
    expect(answer.headers.location).toBe(`/v1/diamonds/${answer.body.id}`);
    // GIA's intake takes rough data only; the ledger takes a polished stone.
    expect(answer.body.jobs.map((job: { platform: string }) => job.platform)).toEqual(['tracr']);
  });

  it('answers unchanged for the same stone sent again with its id', async () => {
    const first = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000002'));
    const again = await admin(request(bridge.app).post('/v1/diamonds')).send({
      ...polished('7100000002'),
      id: first.body.id,
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.body.id, outcome: 'unchanged', version: 1 });
  });

  it('answers 422 naming the field of an invalid record', async () => {
    const record = polished('7100000003');
    const answer = await admin(request(bridge.app).post('/v1/diamonds')).send({
      ...record,
      polished: { ...record.polished, clarity: 'VVS3' },
    });
    expect(answer.status).toBe(422);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 422,
      title: expect.any(String),
      detail: expect.stringContaining('/polished/clarity'),
    });
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '/polished/clarity' })]),
    );
  });

  it('answers 409 when an identifier already belongs to another stone', async () => {
    const first = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000004'));
    const answer = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000004'));
    expect(answer.status).toBe(409);
    expect(answer.body.errors[0].pointer).toBe('/identifiers/giaReportNumber');
    // The caller's own stone that holds the value, for a client to carry on with.
    expect(answer.body.errors[0].holder).toBe(first.body.id);
  });

  it('answers 400 without a body, 415 for a body that is not JSON, 413 for one over the limit', async () => {
    expect((await admin(request(bridge.app).post('/v1/diamonds'))).status).toBe(400);
    const text = await admin(request(bridge.app).post('/v1/diamonds'))
      .set('content-type', 'text/plain')
      .send('kind=rough');
    expect(text.status).toBe(415);
    const big = await admin(request(bridge.app).post('/v1/diamonds'))
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({ ...polished('7100000005'), extensions: { gia: { pad: 'x'.repeat(1_100_000) } } }),
      );
    expect(big.status).toBe(413);
    expect(big.type).toBe('application/problem+json');
  });
});

describe('GET /v1/diamonds/:id', () => {
  it('answers the stored record with its version, links and sync status', async () => {
    const created = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000010'));
    const answer = await admin(request(bridge.app).get(`/v1/diamonds/${created.body.id}`));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      version: 1,
      links: {},
      record: { id: created.body.id, kind: 'polished' },
    });
    // The registry's intake takes origin and rough data; a polished stone without them is never sent.
    expect(answer.body.sync.gia).toEqual({
      status: 'not_synced',
      reason: expect.stringContaining('carries none of the field groups gia accepts') as string,
    });
  });

  it('answers 404 for an unknown stone and for a malformed id', async () => {
    expect((await admin(request(bridge.app).get('/v1/diamonds/tb_0000000000UNKNOWN'))).status).toBe(404);
    const malformed = await admin(request(bridge.app).get('/v1/diamonds/not-an-id'));
    expect(malformed.status).toBe(404);
    expect(malformed.body.detail).toContain('not-an-id');
  });
});

describe('GET /v1/lookup', () => {
  it('answers 400 naming the parameter when none, two, or an unknown one is given', async () => {
    const none = await admin(request(bridge.app).get('/v1/lookup'));
    expect(none.status).toBe(400);
    expect(none.body.errors[0].pointer).toBe('#/query/tracrId|giaReportNumber|inscription|id');
    const two = await admin(request(bridge.app).get('/v1/lookup?tracrId=A&giaReportNumber=2141438171'));
    expect(two.status).toBe(400);
    expect(two.body.detail).toContain('not tracrId and giaReportNumber');
    const unknown = await admin(request(bridge.app).get('/v1/lookup?reportNo=1'));
    expect(unknown.body.errors[0].pointer).toBe('#/query/reportNo');
    const repeated = await admin(request(bridge.app).get('/v1/lookup?tracrId=A&tracrId=B'));
    expect(repeated.status).toBe(400);
    const badNumber = await admin(request(bridge.app).get('/v1/lookup?giaReportNumber=12ab'));
    expect(badNumber.body.errors[0].pointer).toBe('#/query/giaReportNumber');
  });

  it('answers 404 for a bridge ID the bridge does not hold', async () => {
    expect((await admin(request(bridge.app).get('/v1/lookup?id=tb_0000000000UNKNOWN'))).status).toBe(404);
  });
});

describe('jobs', () => {
  it('lists waiting jobs, inspects one, and answers 409 when retrying a job that has not failed', async () => {
    const created = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000020'));
    const jobId = created.body.jobs[0].id as string;
    const list = await admin(request(bridge.app).get('/v1/jobs?state=waiting'));
    expect(list.status).toBe(200);
    expect(list.body.jobs.map((job: { id: string }) => job.id)).toContain(jobId);
    const one = await admin(request(bridge.app).get(`/v1/jobs/${jobId}`));
    expect(one.body).toMatchObject({ id: jobId, state: 'waiting', data: { diamondId: created.body.id } });
    expect((await admin(request(bridge.app).post(`/v1/jobs/${jobId}/retry`))).status).toBe(409);
  });

  it('retries a failed job (202) and it is waiting again', async () => {
    const created = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000021'));
    const jobId = created.body.jobs[0].id as string;
    // A worker that fails every job, standing in for a platform that refused the write.
    const connection = new Redis(bridge.redis.url, { maxRetriesPerRequest: null });
    const worker = new Worker(
      syncQueueName('tracr'),
      () => Promise.reject(new UnrecoverableError('refused by the ledger')),
      {
        connection,
        prefix: '{tbtest}',
      },
    );
    let job = await admin(request(bridge.app).get(`/v1/jobs/${jobId}`));
    while (job.body.state !== 'failed' || job.body.failedReason === undefined)
      job = await admin(request(bridge.app).get(`/v1/jobs/${jobId}`));
    await worker.close();
    connection.disconnect();
    expect(job.body.failedReason).toContain('refused by the ledger');
    const retried = await admin(request(bridge.app).post(`/v1/jobs/${jobId}/retry`));
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: jobId, state: 'waiting' });
  });

  it('answers 400 for an unknown state, platform or limit, and 404 for an unknown job', async () => {
    expect((await admin(request(bridge.app).get('/v1/jobs?state=lost'))).body.errors[0].pointer).toBe(
      '#/query/state',
    );
    // Without a state every job is listed, a page at a time.
    expect((await admin(request(bridge.app).get('/v1/jobs'))).body).toHaveProperty('cursor');
    expect(
      (await admin(request(bridge.app).get('/v1/jobs?state=failed&platform=nowhere'))).body.errors[0].pointer,
    ).toBe('#/query/platform');
    expect((await admin(request(bridge.app).get('/v1/jobs?state=failed&limit=0'))).status).toBe(400);
    expect((await admin(request(bridge.app).get('/v1/jobs/sync-gia-tb_0000000000UNKNOWN-0'))).status).toBe(
      404,
    );
    expect((await admin(request(bridge.app).post('/v1/jobs/whatever/retry'))).status).toBe(404);
  });
});

describe('reconcile', () => {
  let worker: Worker;
  beforeAll(() => {
    worker = startReconcileWorker(bridge);
  });
  afterAll(async () => {
    await worker.close();
  });

  it('starts a run (202) and reports it done', async () => {
    const created = await admin(request(bridge.app).post('/v1/diamonds')).send(polished('7100000030'));
    const started = await admin(request(bridge.app).post('/v1/reconcile')).send({ ids: [created.body.id] });
    expect(started.status).toBe(202);
    expect(started.body.runId).toMatch(/^rc_/);
    let run = await admin(request(bridge.app).get(`/v1/reconcile/${started.body.runId}`));
    while (run.body.status === 'running')
      run = await admin(request(bridge.app).get(`/v1/reconcile/${started.body.runId}`));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      runId: started.body.runId,
      status: 'done',
      mismatches: expect.any(Array),
      unmatched: expect.any(Array),
    });
  });

  it('answers 400 for an empty or malformed scope and 404 for an unknown run', async () => {
    for (const body of [
      { ids: [] },
      { all: false },
      { ids: ['x'] },
      { ids: ['tb_0000000001'], all: true },
      [],
    ]) {
      const answer = await admin(request(bridge.app).post('/v1/reconcile')).send(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin(request(bridge.app).get('/v1/reconcile/rc_0000000000NONE'))).status).toBe(404);
    expect((await admin(request(bridge.app).get('/v1/reconcile/..%2F..'))).status).toBe(404);
  });
});

describe('operations', () => {
  it('lists adapters with capabilities, authority and health', async () => {
    const answer = await admin(request(bridge.app).get('/v1/adapters'));
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(answer.body.adapters.map((a: { name: string }) => [a.name, a]));
    expect(byName.gia).toMatchObject({ authoritative: ['grading'], health: { ok: true } });
    expect(byName.tracr.health.ok).toBe(true);
  });

  it('healthz answers ok; readyz answers 503 naming the platform that fails, then 200 again', async () => {
    expect((await request(bridge.app).get('/healthz')).body).toEqual({ status: 'ok' });
    await setFaults(bridge.gia, { errorRate: 1 });
    const down = await request(bridge.app).get('/readyz');
    await setFaults(bridge.gia, { errorRate: 0 });
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.checks.gia.ok).toBe(false);
    expect(down.body.checks.redis.ok).toBe(true);
    expect(down.body.checks.tracr.ok).toBe(true);
    expect((await request(bridge.app).get('/readyz')).status).toBe(200);
  });

  it('metrics expose HTTP latency by route, platform calls and queue depths', async () => {
    await admin(request(bridge.app).get('/v1/lookup?giaReportNumber=2141438171'));
    const text = (await request(bridge.app).get('/metrics')).text;
    expect(text).toContain(
      'tracebridge_http_request_duration_seconds_count{method="GET",route="/v1/lookup",status="200"}',
    );
    expect(text).toMatch(
      /tracebridge_platform_call_duration_seconds_count\{platform="gia",operation="(get|find)",outcome="ok"\}/,
    );
    expect(text).toMatch(/tracebridge_queue_jobs\{platform="gia",state="waiting"\} \d+/);
    expect(text).toContain('tracebridge_lookup_platform_answers_total{platform="gia",status="found"}');
  });

  it('serves the docs page without any external asset', async () => {
    const answer = await request(bridge.app).get('/docs');
    expect(answer.type).toBe('text/html');
    expect(answer.text).toContain('/v1/lookup');
    expect(answer.text).not.toMatch(/<script|https?:\/\/(?!tracebridge\.dev)/);
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method, as problems', async () => {
    const missing = await request(bridge.app).get('/v2/nothing');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
    const wrong = await request(bridge.app).delete('/v1/diamonds/tb_0000000001');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
  });

  it('sends security headers and never x-powered-by', async () => {
    const answer = await request(bridge.app).get('/healthz');
    expect(answer.headers['x-powered-by']).toBeUndefined();
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
