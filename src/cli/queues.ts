import { loadAdapters } from '../adapters/registry.js';
import { loadConfig, MAX_QUEUE_PARTITIONS } from '../config.js';
import { ActiveJobsError, repartition } from '../queue/repartition.js';
import { connectRedis, describeTarget, redisTarget } from '../store/index.js';
import { exitCode, UsageError, type Command } from './io.js';

/**
 * `tracebridge queues repartition N [--from M]`: moves the sync jobs still to run (waiting, delayed,
 * prioritized; failed and not-permitted ones are queued again, see repartition.ts) of every writing
 * platform from the partition count they are in now (`--from`, default `TRACEBRIDGE_QUEUE_PARTITIONS`) to
 * `N`, each job once, against `REDIS_URL` or `REDIS_CLUSTER_NODES`.
 * Every bridge process is stopped first: a running job cannot be moved, so any active job refuses the
 * move. Safe to run again after it stopped half-way; then start the bridge with
 * `TRACEBRIDGE_QUEUE_PARTITIONS=N`. Prints what moved as JSON. Exit 0 done, 1 refused (active jobs),
 * 2 bad usage or no Redis.
 */
export const queues: Command = async (args, io) => {
  const [action, count, ...rest] = args;
  if (action !== 'repartition') throw new UsageError('expected: queues repartition N [--from M]');
  const to = partitionCount('N', count);
  if (rest.length !== 0 && (rest.length !== 2 || rest[0] !== '--from'))
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[0] === '--from' ? rest[2] : rest[0])}`);
  const config = loadConfig();
  const from = rest.length === 2 ? partitionCount('--from', rest[1]) : config.queuePartitions;
  const target = redisTarget(config);
  if (target === undefined)
    throw new UsageError('REDIS_URL (or REDIS_CLUSTER_NODES) must name the Redis that holds the queues');
  const adapters = await loadAdapters({ enabled: config.adapters, modules: config.adapterModules });
  // Every platform the bridge writes to, connected here or not: its jobs may wait in Redis all the same.
  const platforms = [...adapters.values()].filter((a) => a.capabilities.write).map((a) => a.name);
  const redis = connectRedis(target, 'command');
  redis.on('error', () => undefined);
  try {
    try {
      await redis.connect();
    } catch (error) {
      io.stderr.write(
        `tracebridge queues: cannot reach Redis at ${describeTarget(target)}: ${(error as Error).message}\n`,
      );
      return exitCode.usage;
    }
    const outcome = await repartition(redis, { prefix: config.prefix, platforms, from, to });
    io.stdout.write(`${JSON.stringify({ from, to, ...outcome })}\n`);
    io.stderr.write(
      `tracebridge queues: jobs moved from ${from} to ${to} partitions; start every bridge process with TRACEBRIDGE_QUEUE_PARTITIONS=${to}\n`,
    );
    return exitCode.ok;
  } catch (error) {
    if (!(error instanceof ActiveJobsError)) throw error;
    io.stderr.write(`tracebridge queues: ${error.message}\n`);
    return exitCode.invalid;
  } finally {
    redis.disconnect();
  }
};

function partitionCount(name: string, value: string | undefined): number {
  if (
    value === undefined ||
    !/^\d+$/.test(value) ||
    Number(value) < 1 ||
    Number(value) > MAX_QUEUE_PARTITIONS
  )
    throw new UsageError(
      `${name} must be a whole number of partitions from 1 to ${MAX_QUEUE_PARTITIONS} (got ${JSON.stringify(value ?? '')})`,
    );
  return Number(value);
}
