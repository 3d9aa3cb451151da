/**
 * Pauses a platform's sync queue (every partition of it) while the platform's health check fails, and
 * resumes it when the check answers again: during an outage no job spends an attempt (or its retry age) on
 * calls that cannot land.
 * The pause is BullMQ's global one, so every worker process stops taking that platform's jobs; a marker
 * beside the queue records that the watch paused it, so a pause an operator set by hand is never lifted
 * here. Any process's watch may pause or resume; they all ask the same platform. One failed check is
 * not an outage (a platform that drops a call now and then stays unpaused): it takes
 * {@link FAILED_CHECKS_TO_PAUSE} in a row. A rate-limited answer (429) is not a failed check.
 */
import type { Queue } from 'bullmq';
import type { PlatformClient } from '../adapters/contract.js';
import { PlatformError } from '../adapters/errors.js';
import type { RedisClient } from '../store/index.js';

/** Consecutive failed health checks that pause a platform's queue. */
export const FAILED_CHECKS_TO_PAUSE = 3;

/** What the watch needs. */
export interface HealthWatchOptions {
  /** The sync queue partitions of each watched platform, by platform name. */
  queues: ReadonlyMap<string, readonly Queue[]>;
  clients: ReadonlyMap<string, PlatformClient>;
  redis: RedisClient;
  /** The queues' prefix (hash tag), for the pause markers. */
  prefix: string;
  /** How often each platform is asked, in milliseconds. */
  intervalMs: number;
  /** Where a failure to pause or resume goes (a Redis hiccup); the next round tries again. */
  onError: (error: Error, where: string) => void;
  /** Told each time a queue is paused or resumed here. */
  onChange?: (platform: string, paused: boolean, detail: string) => void;
}

/** A running watch. */
export interface HealthWatch {
  stop(): Promise<void>;
}

/** Starts watching every platform of `options.queues` that has a client. */
export function watchHealth(options: HealthWatchOptions): HealthWatch {
  const { queues, clients, redis, prefix, intervalMs, onError, onChange } = options;
  let round: Promise<void> | undefined;
  const failedInARow = new Map<string, number>();
  const checkOne = async (
    platform: string,
    partitions: readonly Queue[],
    client: PlatformClient,
  ): Promise<void> => {
    const marker = `${prefix}:health-paused:${platform}`;
    let ok: boolean;
    let detail: string;
    try {
      const health = await client.health();
      // A client that reports its 429 rather than throwing it: the same rate limit, the same answer.
      ok = health.ok || health.rateLimited === true;
      detail = health.detail ?? (health.ok ? 'healthy' : 'unhealthy');
    } catch (error) {
      // A platform that answers 429 is up and asking for less traffic: the jobs' own backoff honours its
      // Retry-After, and pausing on it would wait for a health answer the rate limit keeps refusing.
      ok = error instanceof PlatformError && error.status === 429;
      detail = error instanceof Error ? error.message : String(error);
    }
    failedInARow.set(platform, ok ? 0 : (failedInARow.get(platform) ?? 0) + 1);
    try {
      if (!ok) {
        if (failedInARow.get(platform)! < FAILED_CHECKS_TO_PAUSE) return;
        // The marker first: a process that dies between the two leaves a marker, never an unmarked pause.
        // While marked, every failing round pauses every partition again (pausing a paused queue changes
        // nothing), so one that a Redis hiccup left running is paused the next time.
        const first = (await redis.set(marker, detail, 'NX')) === 'OK';
        await Promise.all(partitions.map((queue) => queue.pause()));
        if (first) onChange?.(platform, true, detail);
      } else if ((await redis.exists(marker)) === 1) {
        await Promise.all(partitions.map((queue) => queue.resume()));
        await redis.del(marker);
        onChange?.(platform, false, detail);
      }
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)), `health:${platform}`);
    }
  };
  const check = async (): Promise<void> => {
    await Promise.all(
      [...queues].flatMap(([platform, partitions]) => {
        const client = clients.get(platform);
        return client ? [checkOne(platform, partitions, client)] : [];
      }),
    );
  };
  const timer = setInterval(() => {
    // One round at a time: a slow health check delays the next round instead of piling up.
    round ??= check().finally(() => (round = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
