/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * The producer's claim is a source like any platform: a producer registers a polished stone as colour G,
 * the lab's report says H. Lookup and reconciliation both show the disagreement (the registered record as
 * `bridge`), the lab is the authority, and applying the finding settles the claim, audited.
 */
import type { Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReconcileWorker } from '../api/reconcile-worker.js';
import { bearer, startBridge, type TestBridge } from '../api/support.js';
import { gradingReport, labIssues } from '../queue/platform-support.js';
import { waitUntil } from '../queue/support.js';

const reportNumber = '7412000123';

describe("a lab grade that differs from the producer's claim", () => {
  let bridge: TestBridge;
  let worker: Worker;
  let id: string;

  beforeAll(async () => {
    bridge = await startBridge({ queues: true });
    worker = startReconcileWorker(bridge);
    const claim = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', bearer.producer)
      .send({
        schemaVersion: '1',
        kind: 'polished',
        identifiers: { giaReportNumber: reportNumber },
        polished: {
          shape: 'round',
          caratWeight: 0.5,
          color: { scale: 'DZ', grade: 'G' },
          clarity: 'VS1',
          cut: 'EX',
          polish: 'EX',
          symmetry: 'EX',
          fluorescence: { intensity: 'NON' },
        },
      });
    expect(claim.status).toBe(202);
    id = claim.body.id;
    const report = gradingReport({ reportNumber });
    await labIssues(bridge.gia.url, {
      ...report,
      results: { ...(report['results'] as object), color_grade: 'H' },
    });
  });
  afterAll(async () => {
    await worker.close();
    await bridge.close();
  });

  const colourMismatch = (mismatches: { field: string }[]) =>
    mismatches.filter((mismatch) => mismatch.field === 'polished.color');

  it('is a lookup mismatch between the registered record and GIA, GIA authoritative', async () => {
    const answer = await request(bridge.app).get(`/v1/lookup?id=${id}`).set('authorization', bearer.producer);
    expect(answer.status).toBe(200);
    expect(answer.body.platforms.gia.status).toBe('found');
    expect(colourMismatch(answer.body.mismatches)).toEqual([
      expect.objectContaining({
        diamondId: id,
        values: { bridge: { scale: 'DZ', grade: 'G' }, gia: { scale: 'DZ', grade: 'H' } },
        authority: 'gia',
        severity: 'critical',
      }),
    ]);
  });

  it('is a reconciliation finding, and applying it settles the claim, audited', async () => {
    const admin = bearer.admin;
    const started = await request(bridge.app)
      .post('/v1/reconcile')
      .set('authorization', admin)
      .send({ ids: [id], refresh: true });
    expect(started.status).toBe(202);
    const runId: string = started.body.runId;
    const run = await waitUntil('the run is done', async () => {
      const answer = await request(bridge.app).get(`/v1/reconcile/${runId}`).set('authorization', admin);
      return answer.body.status === 'done' ? answer.body : undefined;
    });
    expect(colourMismatch(run.mismatches)).toEqual([
      expect.objectContaining({
        values: { bridge: { scale: 'DZ', grade: 'G' }, gia: { scale: 'DZ', grade: 'H' } },
        authority: 'gia',
      }),
    ]);

    const applied = await request(bridge.app)
      .post(`/v1/reconcile/${runId}/apply`)
      .set('authorization', admin);
    expect(applied.status).toBeLessThan(300);
    const stored = await request(bridge.app).get(`/v1/diamonds/${id}`).set('authorization', bearer.producer);
    expect(stored.body.record.polished.color).toEqual({ scale: 'DZ', grade: 'H' });
    const history = await bridge.built.services.store.audit.history(id);
    expect(history.at(-1)).toMatchObject({ action: 'reconcile.apply' });

    const after = await request(bridge.app).get(`/v1/lookup?id=${id}`).set('authorization', bearer.producer);
    expect(colourMismatch(after.body.mismatches)).toEqual([]);
  });
});
