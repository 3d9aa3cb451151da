/**
 * Regression: a platform that answers its health check with 429 (Too Many Requests) is up and asking for
 * less traffic; the health watch must not pause its queue. The ledger client reported the 429 as an
 * unhealthy answer rather than throwing it, and the watch paused the ledger's queue on a rate limit.
 * A platform that answers 5xx, asked the same way, is paused: the watch does see failures.
 */
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient, PlatformHealth } from '../../src/adapters/contract.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { FAILED_CHECKS_TO_PAUSE, watchHealth, type HealthWatch } from '../../src/queue/health-watch.js';
import { queueConnection } from '../../src/queue/queues.js';
import { participantKeyFromSeed, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { freshPrefix, setFaults, waitUntil } from './support.js';

describe('the health watch and a rate-limited platform', () => {
  let redis: TestRedis;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let watch: HealthWatch | undefined;
  let queue: Queue | undefined;
  const connection = () => queueConnection(redis.url);

  beforeAll(async () => {
    redis = await startRedis();
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
  });
  afterEach(async () => {
    await watch?.stop();
    await queue?.close();
    await setFaults(tracr.url, { rateLimitPerSec: 0, errorRate: 0 });
  });
  afterAll(async () => {
    await tracr.close();
    await redis.stop();
  });

  /** Watches the ledger's queue; answers the health answers seen so far, newest last. */
  function watchLedger(): { answers: PlatformHealth[]; paused: () => Promise<boolean> } {
    const prefix = freshPrefix();
    const redisClient = connection();
    queue = new Queue('sync-tracr', { connection: redisClient, prefix });
    const client = tracrAdapter.connect({
      url: tracr.url,
      apiKey: 'tracr-key',
      participantId: 'demo-mining',
      privateKey: participantKeyFromSeed('tracr-sim:demo-mining').privateKey,
      timeoutMs: 2_000,
    });
    const answers: PlatformHealth[] = [];
    const observed: PlatformClient = {
      ...client,
      health: async () => {
        const health = await client.health();
        answers.push(health);
        return health;
      },
    };
    watch = watchHealth({
      queues: new Map([['tracr', [queue]]]),
      clients: new Map([['tracr', observed]]),
      redis: redisClient,
      prefix,
      intervalMs: 20,
      onError: () => undefined,
    });
    return { answers, paused: () => queue!.isPaused() };
  }

  /** True once the last `count` answers were all refused (none healthy). */
  const refusedInARow = (answers: readonly PlatformHealth[], count: number): boolean =>
    answers.length >= count && answers.slice(-count).every((health) => !health.ok);

  it('does not pause a queue whose platform answers 429', { timeout: 30_000 }, async () => {
    // One call a second: every check after the first within a second is answered 429.
    await setFaults(tracr.url, { rateLimitPerSec: 1 });
    const { answers, paused } = watchLedger();
    await waitUntil('the watch has seen several 429 answers in a row', () =>
      refusedInARow(answers, FAILED_CHECKS_TO_PAUSE + 3),
    );
    expect(answers.at(-1)?.detail).toMatch(/429|Too Many Requests/i);
    expect(await paused()).toBe(false);
  });

  it('pauses a queue whose platform answers 5xx', { timeout: 30_000 }, async () => {
    await setFaults(tracr.url, { errorRate: 1 });
    const { paused } = watchLedger();
    await waitUntil('the watch pauses the queue', paused);
  });
});
