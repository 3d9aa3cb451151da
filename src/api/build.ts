import type { Logger } from 'pino';
import type { PlatformClient } from '../adapters/contract.js';
import { optional } from '../adapters/http.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { createBridge, type Bridge } from '../bridge.js';
import type { BridgeConfig } from '../config.js';
import { createLookup } from '../lookup/lookup.js';
import { createKeyring, type ApiKeyConfig } from './auth.js';
import { createLogger } from './logger.js';
import type { ApiServices } from './services.js';
import { readApiSettings, type ApiSettings } from './settings.js';
import { createInboundIngest } from './webhooks/receive.js';
import { redisTarget } from '../store/index.js';

/** Options for {@link buildServices}; everything not given is built from `config` and the environment. */
export interface BuildOptions {
  config: BridgeConfig;
  /** API settings; default from the environment (`readApiSettings`). */
  settings?: Partial<ApiSettings>;
  /** Extra keys, e.g. the demo's fixed keys. */
  extraKeys?: readonly ApiKeyConfig[];
  logger?: Logger;
  /** Connected clients to use instead of connecting from configuration. */
  clients?: ReadonlyMap<string, PlatformClient>;
  /** Open the sync queues (registration and job routes need them). Default true. */
  queues?: boolean;
}

/** Services and the bridge behind them. */
export interface BuiltServices {
  services: ApiServices;
  /** The bridge: its wrapped clients serve the API and the workers alike. */
  bridge: Bridge;
  /** The clients, each wrapped once (the same as `services.clients`). */
  clients: ReadonlyMap<string, PlatformClient>;
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** Closes the queues, the clients and the Redis connections. */
  close(): Promise<void>;
}

/**
 * Builds the API's services over one bridge (`createBridge`): one long-lived client per adapter, wrapped
 * for metrics and shared by every lookup so the GIA report cache survives between requests, and the sync
 * queues. What `tracebridge serve` and the benchmark use.
 */
export async function buildServices(options: BuildOptions): Promise<BuiltServices> {
  const { config } = options;
  if (redisTarget(config) === undefined)
    throw new Error(
      '[tracebridge] [api] neither REDIS_URL nor REDIS_CLUSTER_NODES is set: the API keeps its state in Redis',
    );
  const settings: ApiSettings = { ...readApiSettings(), ...options.settings };
  const logger = options.logger ?? createLogger();
  const bridge = await createBridge(config, {
    ...optional('clients', options.clients),
    queues: options.queues !== false,
    onRedisError: (error) => logger.warn({ err: error }, 'redis connection error'),
  });
  for (const { adapter, reason } of bridge.unconnected)
    logger.warn({ adapter, reason }, 'adapter not connected');
  const { adapters, clients, metrics, participants, queues, store } = bridge;
  const lookup = createLookup({
    store,
    platforms: [...adapters.values()]
      .filter((a) => clients.has(a.name))
      .map((a) => ({ ...a, client: clients.get(a.name)! })),
    timeoutMs: settings.lookupTimeoutMs,
    onAnswer: (platform, answer) => metrics.lookupStatus.inc({ platform, status: answer.status }),
  });
  const services: ApiServices = {
    store,
    replicas: bridge.replicas,
    adapters,
    clients,
    lookup,
    ...(queues
      ? { queues, ingest: createInboundIngest({ store, queues, adapters, clients, participants }) }
      : {}),
    keyring: createKeyring([...settings.apiKeys, ...(options.extraKeys ?? [])]),
    webhookSecrets: settings.webhookSecrets,
    rateLimit: settings.rateLimit,
    importMaxBytes: settings.importMaxBytes,
    metrics,
    logger,
    clock: Date.now,
  };
  return { services, bridge, clients, adapters, close: () => bridge.close() };
}
