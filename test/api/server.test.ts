/** `tracebridge serve`'s machinery: services from configuration, the API listening, workers, bounded shutdown. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGiaSimulator, type RunningGiaSimulator } from '../../sim/gia/index.js';
import {
  participantKeyFromSeed,
  startTracrSimulator,
  type RunningTracrSimulator,
} from '../../sim/tracr/index.js';
import { demoApiKeys } from '../../src/api/demo-keys.js';
import { createLogger } from '../../src/api/logger.js';
import { startApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let redis: TestRedis;
let gia: RunningGiaSimulator;
let tracr: RunningTracrSimulator;

beforeAll(async () => {
  redis = await startRedis();
  gia = await startGiaSimulator({ port: 0, apiKey: 'gia-test-key' });
  tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-test-key', blockIntervalMs: 0 });
});
afterAll(async () => {
  await Promise.all([gia.close(), tracr.close()]);
  await redis.stop();
});

describe('the API server', () => {
  it('serves from configuration alone, with workers, and shuts down cleanly', async () => {
    const privateKey = participantKeyFromSeed('tracr-sim:demo-mining')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    const config = loadConfig(
      {
        redisUrl: redis.url,
        port: 0,
        prefix: '{tbserve}',
        adapterOptions: {
          gia: { url: `${gia.url}/graphql`, apiKey: 'gia-test-key' },
          tracr: { url: tracr.url, apiKey: 'tracr-test-key', participantId: 'demo-mining', privateKey },
        },
        feedIntervalMs: 60_000,
      },
      {},
    );
    const server = await startApiServer({
      config,
      extraKeys: demoApiKeys,
      logger: createLogger({ level: 'silent' }),
      host: '127.0.0.1',
    });
    try {
      expect(server.workers).toBeDefined();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      const registered = await fetch(`${server.url}/v1/diamonds`, {
        method: 'POST',
        headers: { authorization: 'Bearer demo-producer-key', 'content-type': 'application/json' },
        body: JSON.stringify({
          schemaVersion: '1',
          kind: 'rough',
          identifiers: { producerRef: 'SERVE-1' },
          origin: { country: 'BW' },
          rough: { caratWeight: 1.111 },
        }),
      });
      expect(registered.status).toBe(202);
      const { id } = (await registered.json()) as { id: string };
      // The in-process workers write the stone to the ledger; the stone's sync status says so.
      let sync: Record<string, { status: string }> = {};
      while (sync.tracr?.status !== 'in_sync') {
        const answer = await fetch(`${server.url}/v1/diamonds/${id}`, {
          headers: { authorization: 'Bearer demo-admin-key' },
        });
        const body = (await answer.json()) as { sync: typeof sync };
        sync = body.sync;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(sync.tracr?.status).toBe('in_sync');
    } finally {
      await server.close(2_000);
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
