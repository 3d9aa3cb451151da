import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IntakeWrite, RunningGiaSimulator } from '../../../sim/gia/index.js';
import { postGraphql, sendJson, startTestGia } from './support.js';

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia();
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
});

const quotaQuery = '{ getQuota { remaining } }';
const rough = {
  rough_control_no: 'RCN-FAULT-0001',
  mine_company: 'Demo Mining',
  mine_name: 'Kgale Pit',
  country_of_origin: 'Botswana',
  rough_weight_carats: 2.5,
};

async function setFaults(faults: Record<string, number>): Promise<void> {
  const reply = await sendJson(`${gia.url}/admin/faults`, 'POST', faults, null);
  expect(reply.status).toBe(200);
}

async function writes(): Promise<IntakeWrite[]> {
  return (await sendJson(`${gia.url}/admin/writes`, 'GET', undefined, null)).body as IntakeWrite[];
}

describe('GIA simulator: injected faults', () => {
  it('delays each call by latencyMs and still answers it', async () => {
    await setFaults({ latencyMs: 200 });
    const started = performance.now();
    const reply = await postGraphql(gia.url, quotaQuery);
    const elapsed = performance.now() - started;
    expect(reply.body.data).toEqual({ getQuota: { remaining: 10_000 } });
    // A lower bound only (timers may fire a few ms early against this clock); never an upper bound.
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect((await sendJson(`${gia.url}/admin/faults`, 'GET', undefined, null)).body).toMatchObject({
      latencyMs: 200,
    });
  });

  it('answers 503 on every call at errorRate 1, before any M2M write happens', async () => {
    await setFaults({ errorRate: 1 });
    expect((await postGraphql(gia.url, quotaQuery)).status).toBe(503);
    expect((await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough)).status).toBe(503);
    await setFaults({ errorRate: 0 });
    expect(await writes()).toEqual([]);
  });

  it('answers 429 with a Retry-After in whole seconds beyond rateLimitPerSec', async () => {
    await setFaults({ rateLimitPerSec: 1 });
    const replies = await Promise.all(Array.from({ length: 5 }, () => postGraphql(gia.url, quotaQuery)));
    const limited = replies.filter((reply) => reply.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it('commits an M2M write whose reply is dropped: the client sees a socket error, the write landed once', async () => {
    await setFaults({ dropResponseRate: 1 });
    await expect(sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough)).rejects.toThrow();
    await setFaults({ dropResponseRate: 0 });
    expect((await writes()).map((write) => write.rough_control_no)).toEqual([rough.rough_control_no]);
    expect(await sendJson(`${gia.url}/m2m/v1/rough/${rough.rough_control_no}`, 'GET')).toMatchObject({
      status: 200,
      body: rough,
    });
    // The careful client's retry finds the record instead of writing it again.
    expect((await sendJson(`${gia.url}/m2m/v1/rough`, 'POST', rough)).status).toBe(200);
    expect(await writes()).toHaveLength(1);
  });

  it('spends quota on a getReport whose reply is dropped, as the real lookup would have been', async () => {
    await setFaults({ dropResponseRate: 1 });
    await expect(
      postGraphql(gia.url, '{ getReport(report_number: "2141438171") { report_number } }'),
    ).rejects.toThrow();
    await setFaults({ dropResponseRate: 0 });
    expect((await postGraphql(gia.url, quotaQuery)).body.data).toEqual({ getQuota: { remaining: 9_999 } });
  });

  it('keeps the admin routes outside the faults so a test can always turn them off', async () => {
    await setFaults({ errorRate: 1, rateLimitPerSec: 1 });
    for (let i = 0; i < 3; i += 1)
      expect((await sendJson(`${gia.url}/admin/state`, 'GET', undefined, null)).status).toBe(200);
    await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
    expect((await postGraphql(gia.url, quotaQuery)).status).toBe(200);
  });
});
