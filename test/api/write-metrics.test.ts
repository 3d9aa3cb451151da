/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON */
/**
 * The workers write through the same wrapped clients as the API, so `GET /metrics` counts and times every
 * sync write per platform and outcome, failures by their class.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../queue/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ workers: true });
});
afterAll(async () => {
  await bridge.close();
});

const rough = (n: number) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef: `METRICS-${n}`, roughControlNumber: `RCN-METRICS-${n}` },
  origin: { country: 'BW', mine: 'Jwaneng', producer: 'Debswana' },
  rough: { caratWeight: 1.5 + n },
});

async function register(n: number): Promise<string> {
  const answer = await request(bridge.app)
    .post('/v1/diamonds')
    .set('authorization', bearer.producer)
    .send(rough(n));
  expect(answer.status).toBe(202);
  return answer.body.id as string;
}

const metrics = async (): Promise<string> => (await request(bridge.app).get('/metrics')).text;

/** The value of the sample whose name and labels are `sample`, or 0 when it is absent. */
function valueOf(text: string, sample: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

describe('GET /metrics after a stone syncs', () => {
  it('counts and times the workers’ writes per platform and outcome', async () => {
    const id = await register(1);
    await waitUntil('the stone is on both platforms', async () => {
      const sources = (await bridge.built.services.store.diamonds.get(id))?.record.sources;
      return sources?.gia !== undefined && sources.tracr !== undefined;
    });
    const text = await metrics();
    for (const platform of ['gia', 'tracr'])
      expect(
        valueOf(text, `tracebridge_platform_writes_total{platform="${platform}",outcome="created"}`),
      ).toBe(1);
    // GIA's intake takes one stone a call; the ledger's writes are batched.
    expect(
      valueOf(
        text,
        'tracebridge_platform_call_duration_seconds_count{platform="gia",operation="put",outcome="ok"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(
        text,
        'tracebridge_platform_call_duration_seconds_count{platform="tracr",operation="putMany",outcome="ok"}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });
});
