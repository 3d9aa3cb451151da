import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleIds, type RunningTracrSimulator } from '../../../sim/tracr/index.js';
import { API_KEY, call, signAs, startLedger } from './helpers.js';

type Stats = {
  committedByType: Record<string, number>;
  committedByDiamond: Record<string, number>;
  diamonds: number;
};

/** Sends a request and resolves with the status, or with the socket error when the reply never arrives. */
function rawPost(url: string, body: unknown): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/transactions`, {
      method: 'POST',
      headers: { authorization: API_KEY, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(JSON.stringify(body));
  });
}

describe('tracr simulator: auth, faults and operations', () => {
  let sim: RunningTracrSimulator;
  beforeAll(async () => {
    sim = await startLedger();
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    await call(sim, 'POST', '/admin/reset');
  });

  it('answers 401 without an API key and 403 with a wrong one, as JSON', async () => {
    const missing = await call(sim, 'GET', '/v1/network', undefined, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const wrong = await call(sim, 'GET', '/v1/network', undefined, {
      authorization: 'Bearer tracr-test-key',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(wrong.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('defaults the API key to TRACR_SIM_KEY', async () => {
    const previous = process.env['TRACR_SIM_KEY'];
    process.env['TRACR_SIM_KEY'] = 'from-the-environment';
    const { startTracrSimulator } = await import('../../../sim/tracr/index.js');
    const envSim = await startTracrSimulator({ blockIntervalMs: 0, seed: false });
    try {
      expect(
        (await call(envSim, 'GET', '/v1/chain/head', undefined, { authorization: 'from-the-environment' }))
          .status,
      ).toBe(200);
      expect(
        (await call(envSim, 'GET', '/v1/chain/head', undefined, { authorization: 'tracr-sandbox-key' }))
          .status,
      ).toBe(403);
    } finally {
      if (previous === undefined) delete process.env['TRACR_SIM_KEY'];
      else process.env['TRACR_SIM_KEY'] = previous;
      await envSim.close();
    }
  });

  it('answers malformed JSON with a 400 error body', async () => {
    const response = await fetch(`${sim.url}/v1/transactions`, {
      method: 'POST',
      headers: { authorization: API_KEY, 'content-type': 'application/json' },
      body: '{"tx": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_JSON' });
  });

  it('fails every platform call with 503 at errorRate 1, but still serves admin routes', async () => {
    await call(sim, 'POST', '/admin/faults', { errorRate: 1 });
    expect((await call(sim, 'GET', '/v1/chain/head')).status).toBe(503);
    expect((await call(sim, 'GET', '/admin/state')).status).toBe(200);
  });

  it('answers 429 with Retry-After beyond rateLimitPerSec', async () => {
    await call(sim, 'POST', '/admin/faults', { rateLimitPerSec: 2 });
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(sim, 'GET', '/v1/chain/head')));
    const limited = replies.filter((reply) => reply.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const reply of limited) expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('delays each call by at least latencyMs', async () => {
    await call(sim, 'POST', '/admin/faults', { latencyMs: 150 });
    const started = performance.now();
    expect((await call(sim, 'GET', '/v1/chain/head')).status).toBe(200);
    // Timers count whole milliseconds, so the high-resolution clock may read a fraction under 150.
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
  });

  it('commits a write whose reply is lost, once, visible in the state counts and on the chain', async () => {
    const before = (await call<Stats>(sim, 'GET', '/admin/state')).body;
    await call(sim, 'POST', '/admin/faults', { dropResponseRate: 1 });
    const signed = signAs('demo-mining', 'REGISTER_ROUGH', {
      caratWeight: 4.321,
      sourceCountry: 'CA',
      producerRef: 'DROP-1',
    });
    const outcome = await rawPost(sim.url, signed);
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toBeDefined();

    await call(sim, 'POST', '/admin/faults', { dropResponseRate: 0 });
    const after = (await call<Stats>(sim, 'GET', '/admin/state')).body;
    expect(after.committedByType['REGISTER_ROUGH']).toBe(before.committedByType['REGISTER_ROUGH']! + 1);
    const found = await call<{ items: { diamondId: string; caratWeight: number }[] }>(
      sim,
      'GET',
      '/v1/diamonds?producerRef=DROP-1',
    );
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]!.caratWeight).toBe(4.321);

    const retried = await call(sim, 'POST', '/v1/transactions', signed);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ diamondId: found.body.items[0]!.diamondId, duplicate: true });
    expect(
      (await call<Stats>(sim, 'GET', '/admin/state')).body.committedByDiamond[found.body.items[0]!.diamondId],
    ).toBe(1);
  });

  it('restores the seeded state and clears faults on reset', async () => {
    const sampleCount = (await call<Stats>(sim, 'GET', '/admin/state')).body.diamonds;
    await call(
      sim,
      'POST',
      '/v1/transactions',
      signAs('demo-mining', 'REGISTER_ROUGH', { caratWeight: 1, sourceCountry: 'CA' }),
    );
    await call(sim, 'POST', '/admin/tamper', { diamondId: sampleIds.diavikRough, patch: { mine: 'Ekati' } });
    await call(sim, 'POST', '/admin/faults', { errorRate: 1 });
    expect((await call(sim, 'POST', '/admin/reset')).status).toBe(204);
    expect((await call(sim, 'GET', '/admin/faults')).body).toMatchObject({ errorRate: 0 });
    expect((await call<Stats>(sim, 'GET', '/admin/state')).body.diamonds).toBe(sampleCount);
    expect((await call(sim, 'GET', `/v1/diamonds/${sampleIds.diavikRough}`)).body).toMatchObject({
      mine: 'Diavik',
    });
  });

  it('builds the same genesis and sample chain on every start', async () => {
    const other = await startLedger();
    try {
      const [a, b] = await Promise.all([
        call(sim, 'GET', '/v1/chain/head'),
        call(other, 'GET', '/v1/chain/head'),
      ]);
      expect(a.body).toEqual(b.body);
    } finally {
      await other.close();
    }
  });

  it('declares the network limits a client plans its batches by', async () => {
    const { body } = await call(sim, 'GET', '/v1/network');
    expect(body).toMatchObject({ signatureAlgorithm: 'Ed25519', maxBatchSize: 100, blockIntervalMs: 0 });
  });
});
