import type { Logger } from 'pino';
import type { PlatformClient } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import type { Lookup } from '../lookup/lookup.js';
import type { BridgeQueues } from '../queue/queues.js';
import type { Store, Replicas } from '../store/index.js';
import type { Keyring } from './auth.js';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';
import type { InboundIngest } from './webhooks/receive.js';

/** Rate limiting per API key. */
export interface RateLimitSettings {
  /** Requests per key per window; 0 turns limiting off. */
  limit: number;
  windowMs: number;
}

/**
 * Everything the HTTP app works with, injected so that tests, the benchmark and `tracebridge serve` build
 * the same app over their own Redis, platforms and clock. Build one from configuration with
 * `buildServices` (src/api/build.ts).
 */
export interface ApiServices {
  store: Store;
  /** The adapters the bridge runs with, by name. */
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** One long-lived client per adapter, shared by the lookup, the health checks and the workers. */
  clients: ReadonlyMap<string, PlatformClient>;
  lookup: Lookup;
  /** Confirms writes on a replica before a registration or an import is acknowledged; none: no waiting. */
  replicas?: Replicas;
  /** The sync queues; without them the job and registration routes answer 503. */
  queues?: BridgeQueues;
  /** Stores what a platform's webhook says changed, through the sync engine's ingestion. */
  ingest?: InboundIngest;
  keyring: Keyring;
  /** Shared HMAC secret per adapter for `POST /v1/webhooks/:adapter`; adapters without one are refused. */
  webhookSecrets: Readonly<Record<string, string>>;
  rateLimit: RateLimitSettings;
  /** Metrics registry; one is created per app when absent. */
  metrics?: BridgeMetrics;
  logger: Logger;
  /** Epoch milliseconds; webhook timestamps are judged against it. */
  clock: () => number;
  /** How long `/readyz` and `/v1/adapters` wait for each platform's health. Default 2 s. */
  healthTimeoutMs?: number;
  /** Largest JSON body accepted, in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Largest bulk import file accepted, in bytes. Default 1 GiB. */
  importMaxBytes?: number;
}
