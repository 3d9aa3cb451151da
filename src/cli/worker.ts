import { loadAdapters } from '../adapters/registry.js';
import { loadConfig } from '../config.js';
import { connectClients } from '../queue/clients.js';
import { queueConnection } from '../queue/queues.js';
import { startWorkers } from '../queue/workers.js';
import { createStore } from '../store/index.js';
import { exitCode, UsageError, type Command } from './io.js';

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
  if (config.redisUrl === undefined)
    throw new UsageError('REDIS_URL must name the Redis that holds the queues');
  const adapters = await loadAdapters({
    ...(config.adapters === undefined ? {} : { enabled: config.adapters }),
    modules: config.adapterModules,
  });
  const { clients, unconnected } = connectClients(config, adapters);
  for (const { adapter, reason } of unconnected)
    io.stderr.write(`tracebridge worker: ${adapter} not connected: ${reason}\n`);
  const connection = queueConnection(config.redisUrl);
  connection.on('error', () => undefined);
  const store = createStore(connection, { prefix: `${config.prefix}:`, audit: config.audit });
  const running = await startWorkers(config, {
    adapters,
    clients,
    store,
    connection,
    onError: (error, where) => io.stderr.write(`tracebridge worker: [${where}] ${error.message}\n`),
  });
  io.stdout.write(`tracebridge worker: syncing to ${[...clients.keys()].join(', ') || 'no platform'}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.stdout.write('tracebridge worker: stopping\n');
  await running.close(grace * 1000);
  for (const client of clients.values()) await client.close?.();
  connection.disconnect();
  return exitCode.ok;
};
