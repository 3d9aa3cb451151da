/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Rejected changes through the API: listed with their reasons for an admin only (they may be any
 * organisation's records), filtered by platform, and queued to be read again by a feed worker.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRejectedChanges } from '../../src/sync/rejected.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;

beforeAll(async () => {
  bridge = await startBridge();
  const { store } = bridge.built.services;
  await recordRejectedChanges(
    store,
    'gia',
    [{ ref: '2141438171', reason: '[gia] report cannot be mapped' }],
    {
      actor: 'feed:gia',
    },
  );
  await recordRejectedChanges(
    store,
    'tracr',
    [
      { ref: 'TRACR-1', reason: '[tracr] tampered record refused' },
      { ref: 'TRACR-2', reason: '[tracr] tampered record refused' },
    ],
    { actor: 'feed:tracr' },
  );
});
afterAll(async () => {
  await bridge.close();
});

const list = (who: string, query = '') =>
  request(bridge.app).get(`/v1/rejected-changes${query}`).set('authorization', who);
const refs = (answer: request.Response): string[] =>
  (answer.body as { changes: { ref: string }[] }).changes.map((entry) => entry.ref);
const retry = (who: string, body: object) =>
  request(bridge.app).post('/v1/rejected-changes/retry').set('authorization', who).send(body);

describe('GET /v1/rejected-changes', () => {
  it('lists every rejected change, newest first, with its reason, to an admin', async () => {
    const answer = await list(bearer.admin);
    expect(answer.status).toBe(200);
    expect(refs(answer)).toEqual(['TRACR-2', 'TRACR-1', '2141438171']);
    expect(answer.body.changes[2]).toMatchObject({
      platform: 'gia',
      reason: '[gia] report cannot be mapped',
      actor: 'feed:gia',
    });
  });

  it('filters by platform and limits the page', async () => {
    const answer = await list(bearer.admin, '?platform=tracr&limit=1');
    expect(refs(answer)).toEqual(['TRACR-2']);
    expect((await list(bearer.admin, '?platform=nowhere')).status).toBe(400);
  });

  it('is for admins only: any organisation’s records may be among them', async () => {
    expect((await list(bearer.producer)).status).toBe(403);
    expect((await list(bearer.reader)).status).toBe(403);
  });
});

describe('POST /v1/rejected-changes/retry', () => {
  it('queues a feed job that reads the named records again', async () => {
    const answer = await retry(bearer.admin, { platform: 'tracr', refs: ['TRACR-1'] });
    expect(answer.status).toBe(202);
    expect(answer.body.refs).toEqual(['TRACR-1']);
    const job = await bridge.built.services.queues!.feeds.getJob(answer.body.job as string);
    expect(job?.data).toEqual({ adapter: 'tracr', retry: ['TRACR-1'] });
  });

  it("reads every one of a platform's kept records when none is named", async () => {
    const answer = await retry(bearer.admin, { platform: 'tracr' });
    expect(answer.status).toBe(202);
    expect([...(answer.body.refs as string[])].sort()).toEqual(['TRACR-1', 'TRACR-2']);
  });

  it('refuses records that are not rejected changes, an unknown platform, and a producer', async () => {
    const unknown = await retry(bearer.admin, { platform: 'gia', refs: ['TRACR-1'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('TRACR-1');
    const platform = await retry(bearer.admin, { platform: 'nowhere' });
    expect(platform.status).toBe(400);
    expect(JSON.stringify(platform.body)).toContain('/platform');
    expect((await retry(bearer.admin, { platform: 'gia', refs: [] })).status).toBe(400);
    expect((await retry(bearer.producer, { platform: 'gia' })).status).toBe(403);
  });
});
