/**
 * The sync engine's test harness: a private redis-server, real platform servers over HTTP on port 0, the
 * store, queues and workers, and a polling wait with a deadline (never a fixed sleep as an assertion).
 */
import { participantKeyFromSeed } from '../../sim/tracr/index.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { fileURLToPath } from 'node:url';
import type { InventoryOptions } from '../../examples/inventory-adapter/client.js';
import type { StockItem } from '../../examples/inventory-adapter/server.js';
import type { AdapterDefinition, PlatformClient, PlatformRecord } from '../../src/adapters/contract.js';
import { loadAdapterModule, type AnyAdapter } from '../../src/adapters/registry.js';
import { loadConfig, type BridgeConfig, type ConfigOptions } from '../../src/config.js';
import {
  connectRedis,
  createStore,
  redisTarget,
  type RedisClient,
  type Store,
} from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { createQueues, syncJobCounts, type BridgeQueues } from '../../src/queue/queues.js';
import { startWorkers, type RunningWorkers } from '../../src/workers.js';
import type { TestRedis } from '../support/redis.js';
import type { TestRedisCluster } from '../support/redis-cluster.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The example inventory adapter, loaded the way the bridge loads any third-party module. */
export const inventoryAdapter = (await loadAdapterModule(
  './examples/inventory-adapter/index.ts',
  repoRoot,
)) as AdapterDefinition<StockItem, InventoryOptions>;

/**
 * The same stock system software under another name: a second shop the bridge keeps in step. Its native
 * fields live under `extensions.showroom`, as any adapter's live under its own name.
 */
export const showroomAdapter: AnyAdapter = renamedStockAdapter('showroom');

function renamedStockAdapter(name: string): AnyAdapter {
  const rename = (record: DiamondRecord, from: string, to: string): DiamondRecord => {
    // The other shop's fields under `to` belong to another platform: never send them as this one's.
    const { [from]: native, [to]: _other, ...others } = record.extensions ?? {};
    const extensions = native === undefined ? others : { ...others, [to]: native };
    const { extensions: _dropped, ...rest } = record;
    return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
  };
  const inward = (record: PlatformRecord): PlatformRecord => ({
    ...record,
    canonical: rename(record.canonical, 'inventory', name),
  });
  return {
    ...inventoryAdapter,
    name,
    toCanonical: (item: StockItem) => {
      const translation = inventoryAdapter.toCanonical(item);
      return { ...translation, value: rename(translation.value, 'inventory', name) };
    },
    fromCanonical: (record: DiamondRecord) =>
      inventoryAdapter.fromCanonical(rename(record, name, 'inventory')),
    connect(options: InventoryOptions): PlatformClient {
      const client = inventoryAdapter.connect(options);
      return {
        get: async (ref) => {
          const found = await client.get(ref);
          return found && inward(found);
        },
        find: async (identifiers) => (await client.find(identifiers)).map(inward),
        put: (record, put) => client.put(rename(record, name, 'inventory'), put),
        changes: async (cursor) => {
          const page = await client.changes!(cursor);
          return { ...page, changes: page.changes.map(inward) };
        },
        health: () => client.health(),
      };
    },
  };
}

let prefixes = 0;

/** A prefix no other test in this process uses. */
export function freshPrefix(): string {
  return `{tbq${process.pid}x${++prefixes}}`;
}

/** Configuration for tests: small backoff, fast stalled-job recovery and health checks, high concurrency. */
export function testConfig(server: TestRedis | TestRedisCluster, options: ConfigOptions = {}): BridgeConfig {
  return loadConfig(
    {
      ...('nodes' in server ? { redisClusterNodes: server.nodes } : { redisUrl: server.url }),
      prefix: freshPrefix(),
      feedIntervalMs: 200,
      queueDefaults: { concurrency: 32, ratePerSec: 0, attempts: 50 },
      ...options,
      retry: {
        backoffBaseMs: 20,
        backoffMaxMs: 400,
        lockDurationMs: 2_000,
        stalledIntervalMs: 1_000,
        healthIntervalMs: 200,
        ...options.retry,
      },
    },
    {},
  );
}

/** One bridge over a test Redis: connection, store, queues, and workers started on demand. */
export interface TestBridge {
  config: BridgeConfig;
  connection: RedisClient;
  store: Store;
  queues: BridgeQueues;
  adapters: Map<string, AnyAdapter>;
  startWorkers(clients: Map<string, PlatformClient>, options?: { feeds?: boolean }): Promise<RunningWorkers>;
  close(): Promise<void>;
}

/** Opens a bridge with `adapters` over `config`. */
export function openBridge(config: BridgeConfig, adapters: AnyAdapter[]): TestBridge {
  const connection = connectRedis(redisTarget(config)!, 'queue');
  const store = createStore(connection, { prefix: `${config.prefix}:`, shards: config.storeShards });
  const byName = new Map(adapters.map((adapter) => [adapter.name, adapter]));
  const queues = createQueues(
    connection,
    config,
    adapters.map((a) => a.name),
  );
  const running: RunningWorkers[] = [];
  return {
    config,
    connection,
    store,
    queues,
    adapters: byName,
    async startWorkers(clients, options = {}) {
      const workers = await startWorkers(config, {
        adapters: byName,
        clients,
        store,
        connection,
        feeds: options.feeds ?? false,
        onError: () => undefined,
      });
      running.push(workers);
      return workers;
    },
    async close() {
      await Promise.all(running.map((workers) => workers.close(5_000)));
      await queues.close();
      connection.disconnect();
    },
  };
}

/** Polls `check` until it answers a truthy value or `timeoutMs` passes; then fails with `what`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A polished stone the stock system can shelve; `n` makes its report number and weight unique. */
export function shelfStone(n: number, overrides: Partial<DiamondRecord> = {}): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'polished',
    identifiers: { giaReportNumber: String(6_000_000_000 + n) },
    polished: {
      shape: 'round',
      caratWeight: Math.round((0.3 + n / 1000) * 1000) / 1000,
      color: { scale: 'DZ', grade: 'G' },
      clarity: 'VS1',
    },
    ...overrides,
  };
}

/** Sets a platform server's injected faults over its admin route. */
export async function setFaults(url: string, faults: Record<string, number>): Promise<void> {
  const response = await fetch(`${url}/admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`faults answered ${response.status}: ${await response.text()}`);
}

/** Job counts of every sync queue partition, summed. */
export async function jobCounts(queues: BridgeQueues): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const platform of queues.platforms) {
    const counts = await syncJobCounts(
      queues,
      platform,
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    );
    for (const [state, count] of Object.entries(counts)) totals[state] = (totals[state] ?? 0) + count;
  }
  return totals;
}

/** A client of the example stock system at `url` for the shop's own account, as the workers' client map. */
export function shopClients(url: string, apiKey = 'shop-key'): Map<string, PlatformClient> {
  return new Map([
    ['inventory', inventoryAdapter.connect({ url, apiKey, accountId: 'shop-1', timeoutMs: 5_000 })],
  ]);
}

/** Clients of both simulators, the ledger signed as the sandbox producer `demo-mining`, for the workers. */
export function simulatorClients(giaUrl: string, tracrUrl: string): Map<string, PlatformClient> {
  const { privateKey } = participantKeyFromSeed('tracr-sim:demo-mining');
  return new Map<string, PlatformClient>([
    ['gia', giaAdapter.connect({ url: `${giaUrl}/graphql`, apiKey: 'gia-key', timeoutMs: 5_000 })],
    [
      'tracr',
      tracrAdapter.connect({
        url: tracrUrl,
        apiKey: 'tracr-key',
        participantId: 'demo-mining',
        privateKey,
        timeoutMs: 5_000,
      }),
    ],
  ]);
}

/** Rough stone `n` of `batch`, with the producer's references every platform files it under. */
export function roughStone(n: number, batch = 'QT'): DiamondRecord {
  const ref = `${batch}-${String(n).padStart(5, '0')}`;
  return {
    schemaVersion: '1',
    kind: 'rough',
    owner: { org: 'demo-mining' },
    identifiers: { roughControlNumber: `RCN-${ref}`, producerRef: ref },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
    rough: { caratWeight: Math.round((1 + n / 1000) * 1000) / 1000 },
  };
}
