import type { Server } from 'node:http';
import { startGiaSimulator, type RunningGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator, type RunningTracrSimulator } from '../../sim/tracr/index.js';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { createApp, type BridgeApp } from '../../src/api/app.js';
import type { ApiKeyConfig } from '../../src/api/auth.js';
import { buildServices, type BuiltServices } from '../../src/api/build.js';
import { demoApiKeys } from '../../src/api/demo-keys.js';
import { createLogger } from '../../src/api/logger.js';
import type { ApiSettings } from '../../src/api/settings.js';
import { loadConfig } from '../../src/config.js';
import { optional } from '../../src/adapters/http.js';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import type { LedgerShorthand, OrgEntry } from '../../src/participants/registry.js';
import { ledgerSigners } from '../../src/adapters/tracr/signers.js';
import type { SaveResult } from '../../src/store/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

/** The demo keys plus a producer of another organisation, for the org-scoping matrix. */
export const testKeys: ApiKeyConfig[] = [
  ...demoApiKeys,
  { name: 'kalahari-producer', key: 'kalahari-producer-key', role: 'producer', org: 'kalahari-mining' },
];

/** Bearer headers by role. */
export const bearer = {
  admin: 'Bearer demo-admin-key',
  producer: 'Bearer demo-producer-key',
  otherProducer: 'Bearer kalahari-producer-key',
  reader: 'Bearer demo-reader-key',
} as const;

/** A whole bridge API over a private Redis and both simulators on port 0. */
export interface TestBridge {
  app: BridgeApp;
  redis: TestRedis;
  gia: RunningGiaSimulator;
  tracr: RunningTracrSimulator;
  built: BuiltServices;
  close(): Promise<void>;
}

/** Options for {@link startBridge}. */
export interface TestBridgeOptions {
  settings?: Partial<ApiSettings>;
  giaQuota?: number;
  /** Open the sync queues. Default true. */
  queues?: boolean;
  /** The participants registry (`TRACEBRIDGE_ORGS`). Default none. */
  orgs?: OrgEntry[];
  /**
   * The sample ledger participant the Tracr client signs as for every organisation without a `tracr` entry
   * in `orgs` (the one-organisation shorthand); null for none. Default `demo-mining`.
   */
  signAs?: string | null;
  /** Run the sync workers and change feeds (every `feedIntervalMs`, default 200 ms). Default false. */
  workers?: boolean;
  feedIntervalMs?: number;
  /** `TRACEBRIDGE_QUEUE_PARTITIONS`. Default 1. */
  queuePartitions?: number;
}

/** Starts Redis, the GIA and Tracr simulators, and the API over them (not listening: supertest drives it). */
export async function startBridge(options: TestBridgeOptions = {}): Promise<TestBridge> {
  const redis = await startRedis();
  const gia = await startGiaSimulator({ port: 0, apiKey: 'gia-test-key', quota: options.giaQuota ?? 10_000 });
  const tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-test-key', blockIntervalMs: 0 });
  const config = loadConfig(
    {
      redisUrl: redis.url,
      prefix: '{tbtest}',
      adapterOptions: {
        gia: { url: `${gia.url}/graphql`, apiKey: 'gia-test-key' },
        tracr: { url: tracr.url, apiKey: 'tracr-test-key' },
      },
      orgs: options.orgs ?? [],
      feedIntervalMs: options.feedIntervalMs ?? 200,
      ...(options.queuePartitions === undefined ? {} : { queuePartitions: options.queuePartitions }),
      ...(options.workers
        ? { retry: { backoffBaseMs: 20, backoffMaxMs: 400, lockDurationMs: 2_000, stalledIntervalMs: 1_000 } }
        : {}),
    },
    {},
  );
  const clients = new Map<string, PlatformClient>([
    [
      'gia',
      giaAdapter.connect({
        url: `${gia.url}/graphql`,
        apiKey: 'gia-test-key',
        timeoutMs: 5_000,
      }),
    ],
    [
      'tracr',
      tracrAdapter.connect({
        url: tracr.url,
        apiKey: 'tracr-test-key',
        // Each organisation's acts are signed by its own participant, as the bridge does from configuration.
        ...optional('signers', ledgerSigners(config.orgs, shorthand(options.signAs))),
        timeoutMs: 5_000,
      }),
    ],
  ]);
  const built = await buildServices({
    config,
    clients,
    queues: options.queues ?? true,
    logger: createLogger({ level: 'silent' }),
    settings: {
      apiKeys: testKeys,
      webhookSecrets: {},
      rateLimit: { limit: 0, windowMs: 60_000 },
      lookupTimeoutMs: 3_000,
      ...options.settings,
    },
  });
  const app = createApp(built.services);
  const workers = options.workers
    ? await built.bridge.startWorkers({ feeds: true, onError: () => undefined })
    : undefined;
  return {
    app,
    redis,
    gia,
    tracr,
    built,
    async close() {
      await workers?.close(5_000);
      await built.close();
      await Promise.all([gia.close(), tracr.close()]);
      await redis.stop();
    },
  };
}

/** The ledger shorthand signing as a sample participant (`demo-mining` by default), or none for null. */
function shorthand(signAs: string | null | undefined): LedgerShorthand {
  if (signAs === null) return {};
  const participantId = signAs ?? 'demo-mining';
  return { participantId, privateKey: sandboxParticipantKey(participantId) };
}

/** Every key and value in the Redis, for before/after comparisons; rate-limit counters are left out. */
export async function redisSnapshot(bridge: TestBridge): Promise<Record<string, string>> {
  const redis = bridge.built.services.store.redis;
  const keys = (await redis.keys('*')).filter((key) => !key.includes(':ratelimit:')).sort();
  const snapshot: Record<string, string> = {};
  for (const key of keys) {
    const type = await redis.type(key);
    snapshot[key] =
      type === 'string'
        ? String(await redis.get(key))
        : type === 'hash'
          ? JSON.stringify(await redis.hgetall(key))
          : type === 'list'
            ? JSON.stringify(await redis.lrange(key, 0, -1))
            : type === 'set'
              ? JSON.stringify((await redis.smembers(key)).sort())
              : type === 'zset'
                ? JSON.stringify(await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES'))
                : type === 'stream'
                  ? JSON.stringify(await redis.xrange(key, '-', '+'))
                  : type;
  }
  return snapshot;
}

/** Fault settings on a simulator. */
export async function setFaults(sim: { url: string }, faults: Record<string, number>): Promise<void> {
  const response = await fetch(`${sim.url}/admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`faults answered ${response.status}`);
}

/** The server a test may listen on, closed by the caller. */
/**
 * Stores, as the bridge's own record, the ledger sample's rough stone TRACR-2150A0000001 under `producerRef`:
 * a stone both the bridge and the ledger hold, without a sync.
 */
export async function storeLedgerRough(bridge: TestBridge, producerRef: string): Promise<SaveResult> {
  return bridge.built.services.store.diamonds.save(
    {
      schemaVersion: '1',
      kind: 'rough',
      owner: { org: 'demo-mining' },
      identifiers: { producerRef, tracrId: 'TRACR-2150A0000001' },
      rough: { caratWeight: 2.15 },
    },
    { actor: 'test', action: 'register' },
  );
}

export type { Server };
