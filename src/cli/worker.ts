import { createBridge } from '../bridge.js';
import { loadConfig } from '../config.js';
import { exitCode, UsageError, stopRequested, type Command } from './io.js';
import { redisTarget } from '../store/index.js';

/**
 * `tracebridge worker`: runs the sync and change-feed workers only, against `REDIS_URL`, until SIGTERM or
 * SIGINT; then stops taking jobs and lets running ones finish (at most `--grace` seconds, default 30).
 */
export const worker: Command = async (args, io) => {
  const graceIndex = args.indexOf('--grace');
  const grace = graceIndex >= 0 ? Number(args[graceIndex + 1]) : 30;
  const rest = graceIndex >= 0 ? args.filter((_, i) => i !== graceIndex && i !== graceIndex + 1) : args;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (!Number.isFinite(grace) || grace < 0)
    throw new UsageError(`--grace must be a number of seconds (got ${args[graceIndex + 1]})`);

  const config = loadConfig();
  if (redisTarget(config) === undefined)
    throw new UsageError('REDIS_URL (or REDIS_CLUSTER_NODES) must name the Redis that holds the queues');
  const bridge = await createBridge(config, { queues: false, storeWaitsForRedis: true });
  for (const { adapter, reason } of bridge.unconnected)
    io.stderr.write(`tracebridge worker: ${adapter} not connected: ${reason}\n`);
  const running = await bridge.startWorkers({
    onError: (error, where) => io.stderr.write(`tracebridge worker: [${where}] ${error.message}\n`),
  });
  const stopping = stopRequested();
  const platforms = [...bridge.clients.keys()].join(', ') || 'no platform';
  io.stdout.write(`tracebridge worker: syncing to ${platforms}\n`);
  await stopping;
  io.stdout.write('tracebridge worker: stopping\n');
  await running.close(grace * 1000);
  await bridge.close();
  return exitCode.ok;
};
