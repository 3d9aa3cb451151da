import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PlatformClient } from '../adapters/contract.js';
import { loadAdapters, type AnyAdapter } from '../adapters/registry.js';
import type { BridgeConfig } from '../config.js';
import { createLookup } from '../lookup/lookup.js';
import { connectClients } from '../queue/clients.js';
import { createQueues, queueConnection, type BridgeQueues } from '../queue/queues.js';
import { createStore } from '../store/index.js';
import { createKeyring, type ApiKeyConfig } from './auth.js';
import { instrumentClient } from './instrument.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { ApiServices } from './services.js';
import { readApiSettings, type ApiSettings } from './settings.js';
import { createInboundIngest } from './webhooks/ingest.js';

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

/** Services and the connections behind them. */
export interface BuiltServices {
  services: ApiServices;
  /** The raw clients, for the workers (the API's copies are instrumented). */
  clients: ReadonlyMap<string, PlatformClient>;
  adapters: ReadonlyMap<string, AnyAdapter>;
  /** Closes the queues, the clients and the Redis connections. */
  close(): Promise<void>;
}

/**
 * Builds the API's services from configuration: connects Redis, loads the adapters, connects one
 * long-lived client per adapter (instrumented for metrics, shared by every lookup so the GIA report cache
 * survives between requests), opens the sync queues. What `tracebridge serve` and the benchmark use.
 */
export async function buildServices(options: BuildOptions): Promise<BuiltServices> {
  const { config } = options;
  if (config.redisUrl === undefined)
    throw new Error('[tracebridge] [api] REDIS_URL is not set: the API keeps its state in Redis');
  const settings: ApiSettings = { ...readApiSettings(), ...options.settings };
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const store = createStore(redis, { prefix: `${config.prefix}:`, audit: config.audit });
  const adapters = await loadAdapters({
    ...(config.adapters === undefined ? {} : { enabled: config.adapters }),
    modules: config.adapterModules,
  });
  const raw = options.clients ?? connectedClients(config, adapters, logger);
  const clients = new Map([...raw].map(([name, client]) => [name, instrumentClient(name, client, metrics)]));
  let queueRedis: Redis | undefined;
  let queues: BridgeQueues | undefined;
  if (options.queues !== false) {
    queueRedis = queueConnection(config.redisUrl);
    const writable = [...adapters.values()]
      .filter((a) => a.capabilities.write && clients.has(a.name))
      .map((a) => a.name);
    queues = createQueues(queueRedis, config, writable);
    const opened = queues;
    metrics.watchQueues({
      async depths() {
        const counts = await Promise.all(
          opened.platforms.map(
            async (platform) =>
              [
                platform,
                await opened
                  .sync(platform)
                  .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
              ] as const,
          ),
        );
        return counts.flatMap(([platform, byState]) =>
          Object.entries(byState).map(([state, count]) => ({ platform, state, count })),
        );
      },
    });
  }
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
    adapters,
    clients,
    lookup,
    ...(queues ? { queues, ingest: createInboundIngest({ store, queues, adapters, clients }) } : {}),
    keyring: createKeyring([...settings.apiKeys, ...(options.extraKeys ?? [])]),
    webhookSecrets: settings.webhookSecrets,
    rateLimit: settings.rateLimit,
    metrics,
    logger,
    clock: Date.now,
  };
  return {
    services,
    clients: raw,
    adapters,
    async close() {
      await queues?.close();
      await Promise.allSettled([...raw.values()].map(async (client) => client.close?.()));
      queueRedis?.disconnect();
      redis.disconnect();
    },
  };
}

/** One client per adapter from configuration; an adapter that cannot connect is left out with a warning. */
function connectedClients(
  config: BridgeConfig,
  adapters: ReadonlyMap<string, AnyAdapter>,
  logger: Logger,
): ReadonlyMap<string, PlatformClient> {
  const { clients, unconnected } = connectClients(config, adapters);
  for (const { adapter, reason } of unconnected) logger.warn({ adapter, reason }, 'adapter not connected');
  return clients;
}
