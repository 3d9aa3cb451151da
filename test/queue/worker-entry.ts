/**
 * A worker process on its own, for the tests that kill one: syncs to the stock system at SHOP_URL through
 * the Redis at REDIS_URL under TRACEBRIDGE_PREFIX, and prints "ready" once it takes jobs.
 */
import { loadAdapterModule } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/config.js';
import { queueConnection } from '../../src/queue/queues.js';
import { startWorkers } from '../../src/workers.js';
import { createStore } from '../../src/store/index.js';

const adapter = await loadAdapterModule(process.env.ADAPTER_MODULE!);
const config = loadConfig({
  retry: { backoffBaseMs: 20, backoffMaxMs: 400, lockDurationMs: 2_000, stalledIntervalMs: 1_000 },
  queueDefaults: { concurrency: 8, ratePerSec: 0, attempts: 50 },
});
const connection = queueConnection(config.redisUrl!);
const store = createStore(connection, { prefix: `${config.prefix}:` });
const client = adapter.connect({
  url: process.env.SHOP_URL!,
  apiKey: 'shop-key',
  accountId: 'shop-1',
  timeoutMs: 5_000,
});
await startWorkers(config, {
  adapters: new Map([[adapter.name, adapter]]),
  clients: new Map([[adapter.name, client]]),
  store,
  connection,
  feeds: false,
  onError: () => undefined,
});
process.stdout.write('ready\n');
