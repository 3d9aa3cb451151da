import { startApiServer } from '../api/server.js';
import { loadConfig } from '../config.js';
import { exitCode, UsageError, stopRequested, type Command } from './io.js';

/**
 * `tracebridge serve [--port N] [--no-workers]`: the API (and, unless told otherwise, the sync workers and
 * change feeds) from the environment's configuration, until SIGTERM or SIGINT. Shutdown is bounded: open
 * requests and running jobs get 10 s, then the process lets go.
 */
export const serve: Command = async (args, io) => {
  let workers = true;
  let port: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--no-workers') workers = false;
    else if (arg === '--port') {
      port = Number(args[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0 to 65535, got ${args[i]}`);
    } else throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
  }
  const config = loadConfig(port === undefined ? {} : { port });
  const running = await startApiServer({ config, workers });
  const stopping = stopRequested();
  io.stdout.write(
    `tracebridge API on ${running.url} (${workers ? 'with' : 'without'} workers); docs at ${running.url}/docs\n`,
  );
  await stopping;
  io.stderr.write('tracebridge serve: shutting down\n');
  await running.close(10_000);
  return exitCode.ok;
};
