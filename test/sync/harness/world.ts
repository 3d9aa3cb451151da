/**
 * The world a model-based sequence runs in: a private redis-server with AOF, the Tracr-style ledger and
 * the GIA-style registry each in its own process, the API in its own process, and two worker processes
 * that the test may SIGKILL. Sequences share it; each uses fresh stones.
 */
import { randomBytes } from 'node:crypto';
import { participantKeyFromSeed } from '../../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { ensureBuilt, startCli, type CliProcess } from './processes.js';

/** The organisation the producer key writes for, and the ledger participant the bridge signs as. */
export const PRODUCER_ORG = 'demo-mining';
/** Keys the world configures; the test is their only holder. */
export const keys = {
  admin: `model-admin-${randomBytes(8).toString('hex')}`,
  producer: `model-producer-${randomBytes(8).toString('hex')}`,
  tracr: 'tracr-sandbox-key',
  gia: 'gia-sandbox-key',
  webhook: randomBytes(24).toString('hex'),
} as const;

/** Short backoff and lease settings, so that a sequence settles in seconds. */
const fastSettings = {
  TRACEBRIDGE_BACKOFF_BASE_MS: '20',
  TRACEBRIDGE_BACKOFF_MAX_MS: '300',
  TRACEBRIDGE_LOCK_DURATION_MS: '1000',
  TRACEBRIDGE_STALLED_INTERVAL_MS: '500',
  TRACEBRIDGE_FEED_INTERVAL_MS: '100',
  TRACEBRIDGE_CONCURRENCY: '4',
};

/**
 * The bridge keeps its stones in shards, as on a cluster: a crash between an identifier's claim, the save
 * and the release is among what the sequences run into.
 */
export const MODEL_STORE_SHARDS = 4;

/** How much slower than the lease a slow ledger call is. */
export const LEASE_MS = Number(fastSettings.TRACEBRIDGE_LOCK_DURATION_MS);

/** The running world. */
export interface World {
  readonly redis: TestRedis;
  readonly tracrUrl: string;
  readonly giaUrl: string;
  readonly apiUrl: string;
  readonly prefix: string;
  /** How many worker processes run when none is down. */
  readonly workerCount: number;
  /** SIGKILLs worker `index` and starts a new one in its place (not waiting for it to be ready). */
  killWorker(index: number): Promise<void>;
  /** SIGKILLs redis-server and starts it again on its AOF. */
  crashRedis(): Promise<void>;
  /** Resolves once every worker process is up and taking jobs. */
  workersReady(): Promise<void>;
  /** The tail of every process's output, for a failure message. */
  logs(): string;
  close(): Promise<void>;
}

/** Starts every part; the processes run the compiled `dist/` (built first when stale). */
export async function startWorld(workerCount = 2): Promise<World> {
  ensureBuilt();
  const redis = await startRedis({ appendOnly: true });
  const prefix = `{model${randomBytes(3).toString('hex')}}`;
  const [tracr, gia] = await Promise.all([
    startCli(['sim', 'tracr', '--port', '0'], { TRACR_SIM_KEY: keys.tracr }, /listening on (http\S+)/),
    startCli(['sim', 'gia', '--port', '0'], { GIA_SIM_KEY: keys.gia }, /listening on (http\S+)/),
  ]);
  const tracrUrl = tracr.match[1]!;
  const giaUrl = gia.match[1]!;
  const { privateKey } = participantKeyFromSeed(`tracr-sim:${PRODUCER_ORG}`);
  const bridgeEnv: Record<string, string> = {
    REDIS_URL: redis.url,
    TRACEBRIDGE_PREFIX: prefix,
    TRACEBRIDGE_STORE_SHARDS: String(MODEL_STORE_SHARDS),
    TRACEBRIDGE_ADAPTERS: 'gia,tracr',
    TRACR_URL: tracrUrl,
    TRACR_API_KEY: keys.tracr,
    TRACR_PARTICIPANT_ID: PRODUCER_ORG,
    TRACR_PRIVATE_KEY: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    GIA_URL: `${giaUrl}/graphql`,
    GIA_API_KEY: keys.gia,
    ...fastSettings,
  };
  const api = await startCli(
    ['serve', '--port', '0', '--no-workers'],
    {
      ...bridgeEnv,
      TRACEBRIDGE_API_RATE_LIMIT: '0',
      TRACEBRIDGE_API_KEYS: JSON.stringify([
        { name: 'model-admin', key: keys.admin, role: 'admin' },
        { name: 'model-producer', key: keys.producer, role: 'producer', org: PRODUCER_ORG },
      ]),
      TRACEBRIDGE_WEBHOOK_SECRETS: JSON.stringify({ tracr: keys.webhook, gia: keys.webhook }),
      LOG_LEVEL: 'warn',
    },
    /API on (http\S+)/,
  );
  const startWorker = (): Promise<CliProcess> =>
    startCli(['worker', '--grace', '5'], bridgeEnv, /syncing to/).then((started) => started.process);
  const workers: Array<Promise<CliProcess>> = Array.from({ length: workerCount }, startWorker);
  await Promise.all(workers);
  const others: CliProcess[] = [tracr.process, gia.process, api.process];
  let logs = '';
  return {
    redis,
    tracrUrl,
    giaUrl,
    apiUrl: api.match[1]!,
    prefix,
    workerCount,
    async killWorker(index) {
      const slot = index % workers.length;
      const running = await workers[slot]!;
      await running.kill();
      logs = `${logs}\n[worker ${slot} killed]\n${running.output()}`.slice(-8_000);
      workers[slot] = startWorker();
      // Nobody may wait on a start that fails: the failure surfaces in workersReady().
      workers[slot].catch(() => undefined);
    },
    async crashRedis() {
      await redis.kill();
      await redis.start();
    },
    async workersReady() {
      await Promise.all(workers);
    },
    logs() {
      return [logs, ...others.map((p) => p.output())].join('\n---\n');
    },
    async close() {
      const running = await Promise.allSettled(workers);
      await Promise.all(
        running.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop(5_000)] : [])),
      );
      await Promise.all(others.map((p) => p.stop(5_000)));
      await redis.stop();
    },
  };
}
