/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest answers are untyped JSON; each test asserts their shape */
/** Signed webhooks: a good signature stores the stone as the change feed would; bad ones and replays are refused. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaSampleAvailability, giaSampleReports, giaSampleSupersession } from '../../sim/gia/samples.js';
import { Redis } from 'ioredis';
import { claimDelivery } from '../../src/api/webhooks/deliveries.js';
import { signWebhook } from '../../src/api/webhooks/signature.js';
import { bearer, redisSnapshot, setFaults, startBridge, type TestBridge } from './support.js';

const secret = 'gia-webhook-secret-0123456789';
let bridge: TestBridge;

beforeAll(async () => {
  bridge = await startBridge({ settings: { webhookSecrets: { gia: secret } } });
});
afterAll(async () => {
  await bridge.close();
});

function deliver(
  body: string,
  { timestamp = Math.floor(Date.now() / 1000), signature }: { timestamp?: number; signature?: string } = {},
) {
  return request(bridge.app)
    .post('/v1/webhooks/gia')
    .set('content-type', 'application/json')
    .set('x-tracebridge-timestamp', String(timestamp))
    .set('x-tracebridge-signature', signature ?? signWebhook(secret, timestamp, body))
    .send(body);
}

describe('POST /v1/webhooks/:adapter', () => {
  it('reads each named report back from GIA and stores it as a stone linked to its report', async () => {
    const body = JSON.stringify({ event: 'report.updated', refs: ['2141438169', '9999999999'] });
    const answer = await deliver(body);
    expect(answer.status).toBe(200);
    const [found, missing] = answer.body.received;
    expect(found).toMatchObject({
      ref: '2141438169',
      status: 'stored',
      diamondId: expect.stringMatching(/^tb_/),
    });
    expect(missing).toEqual({ ref: '9999999999', status: 'not_found' });
    const stored = await request(bridge.app)
      .get(`/v1/diamonds/${found.diamondId}`)
      .set('authorization', bearer.admin);
    expect(stored.body.links).toEqual({ gia: '2141438169' });
    expect(stored.body.record.identifiers.giaReportNumber).toBe('2141438169');
  });

  it('a second delivery of the same report is stored as unchanged', async () => {
    const body = JSON.stringify({ refs: ['2141438169'] });
    const answer = await deliver(body, { timestamp: Math.floor(Date.now() / 1000) - 1 });
    expect(answer.body.received[0].status).toBe('unchanged');
  });

  it('refuses a bad signature, a missing one, and an old timestamp with 401, changing nothing', async () => {
    const before = await redisSnapshot(bridge);
    const body = JSON.stringify({ refs: ['2141438171'] });
    expect(
      (
        await deliver(body, {
          signature: signWebhook('another-secret-entirely', Math.floor(Date.now() / 1000), body),
        })
      ).status,
    ).toBe(401);
    expect((await deliver(body, { signature: 'sha256=00' })).status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await deliver(body, { timestamp: old, signature: signWebhook(secret, old, body) });
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toContain('5 minutes');
    const tampered = await deliver(body.replace('2141438171', '2141438169'), {
      signature: signWebhook(secret, Math.floor(Date.now() / 1000), body),
    });
    expect(tampered.status).toBe(401);
    const unsigned = await request(bridge.app)
      .post('/v1/webhooks/gia')
      .set('content-type', 'application/json')
      .send(body);
    expect(unsigned.status).toBe(401);
    expect(await redisSnapshot(bridge)).toEqual(before);
  });

  it('refuses a replay of a delivery already received with 409', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ refs: ['2141438171'] });
    expect((await deliver(body, { timestamp })).status).toBe(200);
    const replay = await deliver(body, { timestamp });
    expect(replay.status).toBe(409);
    expect(replay.type).toBe('application/problem+json');
  });

  it('answers 404 for an adapter without a webhook secret and 400 for a signed body of the wrong shape', async () => {
    expect(
      (
        await request(bridge.app)
          .post('/v1/webhooks/tracr')
          .send({ refs: ['x'] })
      ).status,
    ).toBe(404);
    const wrong = await deliver(JSON.stringify({ refs: [] }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].pointer).toBe('/refs');
  });
});

describe('a delivery whose ingestion failed', () => {
  // A report no other test here names, served to the plan as usual.
  const reportNumber = giaSampleReports
    .map((report) => report.report_number)
    .find(
      (number) =>
        !['2141438169', '2141438171', giaSampleSupersession.superseded, giaSampleSupersession.by].includes(
          number,
        ) && giaSampleAvailability[number] === undefined,
    ) as string;

  it('is not lost: the identical re-delivery is ingested once, and a re-delivery after that is a duplicate', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ event: 'report.updated', refs: [reportNumber] });
    await setFaults(bridge.gia, { errorRate: 1 });
    let failed;
    try {
      failed = await deliver(body, { timestamp });
    } finally {
      await setFaults(bridge.gia, { errorRate: 0 });
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);

    const redelivered = await deliver(body, { timestamp });
    expect(redelivered.status).toBe(200);
    const [receipt] = redelivered.body.received;
    expect(receipt).toMatchObject({ ref: reportNumber, status: 'stored' });

    const duplicate = await deliver(body, { timestamp });
    expect(duplicate.status).toBe(409);
    const history = await bridge.built.services.store.audit.history(receipt.diamondId as string);
    // One save (the stone created) and its link; a second ingestion would add another save or link.
    expect(history.filter((entry) => entry.outcome !== undefined).map((entry) => entry.outcome)).toEqual([
      'created',
    ]);
    expect(history).toHaveLength(2);
  });

  it('a delivery whose ingestion died holding it is taken in once the short lease runs out, not minutes later', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ event: 'report.updated', refs: [giaSampleReports[1]!.report_number] });
    const signature = signWebhook(secret, timestamp, body);
    const { store } = bridge.built.services;
    // An ingestion in a process that then lost Redis (or died): its renewals no longer arrive.
    const lost = new Redis(bridge.redis.url);
    await claimDelivery({ redis: lost, prefix: store.keys.prefix, adapter: 'gia', signature, leaseMs: 600 });
    lost.disconnect();

    const meanwhile = await deliver(body, { timestamp, signature });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.headers['retry-after']).toBe('5');
    await new Promise((resolve) => setTimeout(resolve, 800));
    const later = await deliver(body, { timestamp, signature });
    expect(later.status).toBe(200);
    expect(later.body.received[0]).toMatchObject({ status: expect.stringMatching(/stored|unchanged/) });
  });

  it('keeps a delivery held while its ingestion runs, however long that takes', async () => {
    const { store } = bridge.built.services;
    const options = {
      redis: store.redis,
      prefix: store.keys.prefix,
      adapter: 'gia',
      signature: signWebhook(secret, Math.floor(Date.now() / 1000), '{"refs":["held"]}'),
      leaseMs: 300,
    };
    const lease = await claimDelivery(options);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(claimDelivery(options)).rejects.toThrow('is being taken in');
    await lease.release();
    const again = await claimDelivery(options);
    await again.release();
  });
});
