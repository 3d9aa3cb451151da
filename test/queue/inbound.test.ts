/**
 * Webhooks take the change feeds' inbound path: a report read back for a webhook is linked to the stone
 * it certainly is, by its identifiers, rather than always becoming a new stone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { createInboundIngest } from '../../src/api/webhooks/receive.js';
import { documentedReportNumber, documentedTracrId } from '../../sim/gia/samples.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

describe('inbound records from a webhook', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
    bridge = openBridge(testConfig(redis), [giaAdapter]);
  });
  afterAll(async () => {
    await bridge.close();
    await gia.close();
    await redis.stop();
  });

  it("links a report to the stored stone whose Tracr ID it names, storing the grading and GIA's view", async () => {
    const held = await bridge.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'polished',
        identifiers: { tracrId: documentedTracrId },
        polished: { shape: 'emerald', caratWeight: 0.514 },
      },
      { actor: 'test', action: 'register' },
    );
    const ingest = createInboundIngest({
      store: bridge.store,
      queues: bridge.queues,
      adapters: bridge.adapters,
      clients: new Map<string, PlatformClient>([
        ['gia', giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey: 'gia-key' })],
      ]),
    });

    const [received] = await ingest('gia', [documentedReportNumber], 'webhook:gia');
    expect(received).toEqual({ ref: documentedReportNumber, status: 'stored', diamondId: held.id });
    expect(await bridge.store.diamonds.count()).toBe(1);
    expect(await bridge.store.identity.resolve('gia', documentedReportNumber)).toBe(held.id);
    const record = (await bridge.store.diamonds.get(held.id))?.record;
    expect(record?.grading).toMatchObject({ lab: 'GIA', reportNumber: documentedReportNumber });
    expect((await bridge.store.mirrors.get(held.id)).gia?.ref).toBe(documentedReportNumber);
  });
});
