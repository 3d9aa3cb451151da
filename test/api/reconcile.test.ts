/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Reconciliation over HTTP: runs queued as jobs, reports as JSON, CSV and HTML, the apply action, and the
 * match proposals a person confirms or rejects. Each route's success and every error status it documents.
 */
import { Queue, type Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILE_QUEUE, reconcileJobId } from '../../src/queue/job-ids.js';
import { createProposal } from '../../src/store/match-proposals.js';
import { startRun } from '../../src/store/reconcile-runs.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startReconcileWorker } from './reconcile-worker.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
let worker: Worker | undefined;
beforeAll(async () => {
  bridge = await startBridge();
  worker = startReconcileWorker(bridge);
});
afterAll(async () => {
  await worker?.close();
  await bridge.close();
});

const admin = (test: request.Test) => test.set('authorization', bearer.admin);
const store = () => bridge.built.services.store;
let serial = 0;

/** A polished stone as the bridge holds it, and as the two platforms hold it (GIA grades it `giaGrade`). */
async function disagreeingStone(giaGrade: 'E' | 'F' = 'F'): Promise<string> {
  const report = String(7_300_000_000 + ++serial);
  const polished = {
    shape: 'round' as const,
    caratWeight: 1.01,
    color: { scale: 'DZ' as const, grade: 'E' as const },
    clarity: 'VS1' as const,
  };
  const record: DiamondRecord = {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { giaReportNumber: report },
    polished,
  };
  const registered = await admin(request(bridge.app).post('/v1/diamonds')).send(record);
  const id = registered.body.id as string;
  const readAt = new Date();
  await store().mirrors.save(id, 'tracr', { ...record, id }, { readAt, ref: `TRACR-00000000${serial}` });
  const graded = { ...polished, color: { scale: 'DZ' as const, grade: giaGrade } };
  await store().mirrors.save(id, 'gia', { ...record, polished: graded }, { readAt, ref: report });
  return id;
}

async function finishedRun(body: object): Promise<string> {
  const started = await admin(request(bridge.app).post('/v1/reconcile')).send(body);
  expect(started.status).toBe(202);
  const runId = started.body.runId as string;
  for (;;) {
    const run = await admin(request(bridge.app).get(`/v1/reconcile/${runId}`));
    if (run.body.status !== 'running') return runId;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('runs as jobs', () => {
  it('queues the run as one job that a worker runs to the end', async () => {
    const id = await disagreeingStone();
    const runId = await finishedRun({ ids: [id] });
    const run = await admin(request(bridge.app).get(`/v1/reconcile/${runId}`));
    expect(run.body).toMatchObject({ status: 'done', progress: { done: 1, total: 1 } });
    expect(run.body.mismatches).toEqual([
      expect.objectContaining({
        diamondId: id,
        field: 'polished.color',
        authority: 'gia',
        severity: 'critical',
      }),
    ]);
    const queues = bridge.built.services.queues!;
    const queue = new Queue(RECONCILE_QUEUE, {
      connection: queues.feeds.opts.connection,
      prefix: queues.prefix,
    });
    expect(await queue.getJobState(reconcileJobId(runId))).toBe('completed');
    await queue.close();
  });

  it('a run queued while no worker runs is done once a worker comes back', async () => {
    await worker?.close();
    worker = undefined;
    const id = await disagreeingStone();
    const started = await admin(request(bridge.app).post('/v1/reconcile')).send({ ids: [id] });
    const runId = started.body.runId as string;
    const waiting = await admin(request(bridge.app).get(`/v1/reconcile/${runId}`));
    expect(waiting.body.status).toBe('running');
    expect(waiting.body.progress).toEqual({ done: 0, total: 1 });
    worker = startReconcileWorker(bridge);
    for (;;) {
      const run = await admin(request(bridge.app).get(`/v1/reconcile/${runId}`));
      if (run.body.status === 'done') {
        expect(run.body.counts.mismatches).toBe(1);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

describe('GET /v1/reconcile/:runId formats', () => {
  let runId: string;
  let id: string;
  beforeAll(async () => {
    id = await disagreeingStone();
    runId = await finishedRun({ ids: [id] });
  });

  it('streams the report as CSV with one row per mismatch', async () => {
    const answer = await admin(request(bridge.app).get(`/v1/reconcile/${runId}?format=csv`));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/csv');
    const lines = answer.text.trim().split('\r\n');
    expect(lines[0]).toBe('diamondId,field,severity,authority,rule,gia,tracr,bridge,detail');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${id},polished.color,critical,gia`);
  });

  it('streams the report as a readable HTML page', async () => {
    const answer = await admin(request(bridge.app).get(`/v1/reconcile/${runId}?format=html`));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/html');
    expect(answer.text).toContain(`<h1>Reconciliation run <code>${runId}</code></h1>`);
    expect(answer.text).toContain('Critical mismatches (1)');
    expect(answer.text).toContain('</html>');
  });

  it('pages the JSON report with offset and limit', async () => {
    const answer = await admin(request(bridge.app).get(`/v1/reconcile/${runId}?offset=1&limit=5`));
    expect(answer.status).toBe(200);
    expect(answer.body.mismatches).toEqual([]);
    expect(answer.body.counts.mismatches).toBe(1);
  });

  it('answers 400 for an unknown format or a bad page and 404 for an unknown run in any format', async () => {
    for (const query of ['format=xml', 'limit=0', 'offset=-1', 'limit=10001']) {
      const answer = await admin(request(bridge.app).get(`/v1/reconcile/${runId}?${query}`));
      expect(answer.status, query).toBe(400);
      expect(answer.type).toBe('application/problem+json');
    }
    for (const format of ['json', 'csv', 'html']) {
      const answer = await admin(request(bridge.app).get(`/v1/reconcile/rc_0000000000NONE?format=${format}`));
      expect(answer.status, format).toBe(404);
      expect(answer.type).toBe('application/problem+json');
    }
  });
});

describe('POST /v1/reconcile/:runId/apply', () => {
  it("takes the authority's value, queues the stone to the writers, and audits who applied it", async () => {
    const id = await disagreeingStone('F');
    const runId = await finishedRun({ ids: [id] });
    const answer = await admin(request(bridge.app).post(`/v1/reconcile/${runId}/apply`));
    expect(answer.status).toBe(200);
    expect(answer.body.applied).toEqual([
      {
        diamondId: id,
        field: 'polished.color',
        authority: 'gia',
        from: { scale: 'DZ', grade: 'E' },
        to: { scale: 'DZ', grade: 'F' },
        pushTo: ['tracr'],
      },
    ]);
    expect(answer.body.jobs).toEqual([
      { id: expect.stringMatching(`^sync-tracr-${id}-`), platform: 'tracr' },
    ]);
    const stored = await store().diamonds.get(id);
    expect(stored?.record.polished?.color).toEqual({ scale: 'DZ', grade: 'F' });
    const history = await store().audit.history(id);
    expect(history.at(-1)).toMatchObject({ actor: 'api:demo-admin', action: 'reconcile.apply' });

    const again = await admin(request(bridge.app).post(`/v1/reconcile/${runId}/apply`));
    expect(again.body.jobs).toEqual(answer.body.jobs);
    expect((await store().audit.history(id)).length).toBe(history.length);
  });

  it('applies only the selected fields and stones', async () => {
    const id = await disagreeingStone('F');
    const runId = await finishedRun({ ids: [id] });
    const none = await admin(request(bridge.app).post(`/v1/reconcile/${runId}/apply`)).send({
      fields: ['polished.clarity'],
    });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ applied: [], skipped: [], jobs: [] });
    expect((await store().diamonds.get(id))?.record.polished?.color).toEqual({ scale: 'DZ', grade: 'E' });
  });

  it('answers 400 for a bad selection, 404 for an unknown run and 409 for a run not finished', async () => {
    const id = await disagreeingStone();
    const runId = await finishedRun({ ids: [id] });
    for (const body of [{ fields: [] }, { ids: ['x'] }, { fields: ['polished.color'], colour: 'F' }]) {
      const answer = await admin(request(bridge.app).post(`/v1/reconcile/${runId}/apply`)).send(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin(request(bridge.app).post('/v1/reconcile/rc_0000000000NONE/apply'))).status).toBe(404);
    const pending = await startRun(store(), { ids: [id] }, { actor: 'test' });
    const answer = await admin(request(bridge.app).post(`/v1/reconcile/${pending}/apply`));
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toContain('running');
  });
});

describe('match proposals', () => {
  async function proposal(grade: 'probable' | 'possible' = 'probable') {
    const id = await disagreeingStone();
    const { proposal: made } = await createProposal(
      store(),
      {
        platform: 'gia',
        ref: String(7_400_000_000 + ++serial),
        diamondId: id,
        grade,
        score: 90,
        reasons: ['same shape round'],
      },
      { actor: 'test' },
    );
    return made!;
  }

  it('lists the open proposals, oldest first', async () => {
    const first = await proposal();
    const second = await proposal('possible');
    const answer = await admin(request(bridge.app).get('/v1/matches?limit=1000'));
    expect(answer.status).toBe(200);
    const ids = (answer.body.proposals as { proposalId: string }[]).map((p) => p.proposalId);
    expect(ids.indexOf(first.proposalId)).toBeLessThan(ids.indexOf(second.proposalId));
    expect(answer.body.total).toBe(ids.length);
    expect((await admin(request(bridge.app).get('/v1/matches?limit=0'))).status).toBe(400);
  });

  it('confirming links the platform record to the stone, once', async () => {
    const open = await proposal();
    const answer = await admin(request(bridge.app).post(`/v1/matches/${open.proposalId}/confirm`));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'confirmed', decidedBy: 'api:demo-admin' });
    expect(await store().identity.resolve('gia', open.ref)).toBe(open.diamondId);
    const again = await admin(request(bridge.app).post(`/v1/matches/${open.proposalId}/confirm`));
    expect(again.status).toBe(409);
    expect(again.type).toBe('application/problem+json');
    expect((await admin(request(bridge.app).post(`/v1/matches/${open.proposalId}/reject`))).status).toBe(409);
  });

  it('rejecting closes the proposal and never links it', async () => {
    const open = await proposal();
    const answer = await admin(request(bridge.app).post(`/v1/matches/${open.proposalId}/reject`));
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('rejected');
    expect(await store().identity.resolve('gia', open.ref)).toBeNull();
    expect((await admin(request(bridge.app).post(`/v1/matches/${open.proposalId}/reject`))).status).toBe(409);
    const listed = await admin(request(bridge.app).get('/v1/matches?limit=1000'));
    const listedIds = (listed.body.proposals as { proposalId: string }[]).map((p) => p.proposalId);
    expect(listedIds).not.toContain(open.proposalId);
  });

  it('answers 404 for an unknown or malformed proposal id', async () => {
    for (const id of [`mp_${'0'.repeat(24)}`, 'mp_nope', '..%2F..']) {
      for (const verb of ['confirm', 'reject']) {
        const answer = await admin(request(bridge.app).post(`/v1/matches/${id}/${verb}`));
        expect(answer.status, `${verb} ${id}`).toBe(404);
        expect(answer.type).toBe('application/problem+json');
      }
    }
  });
});

describe('without the queues', () => {
  let bare: TestBridge;
  beforeAll(async () => {
    bare = await startBridge({ queues: false });
  });
  afterAll(async () => {
    await bare.close();
  });

  it('starting a run or applying one answers 503 and records nothing', async () => {
    const started = await admin(request(bare.app).post('/v1/reconcile')).send({ all: true });
    expect(started.status).toBe(503);
    expect(await bare.built.services.store.redis.exists(bare.built.services.store.keys.reconcileRuns)).toBe(
      0,
    );
    const runId = await startRun(bare.built.services.store, { all: true }, { actor: 'test' });
    expect((await admin(request(bare.app).post(`/v1/reconcile/${runId}/apply`))).status).toBe(503);
  });
});
