import { parseArgs } from 'node:util';
import { exitCode, UsageError, type Command } from './io.js';

/** Default ports and environment variables of the simulators (DESIGN.md section 7). */
const platforms = {
  tracr: {
    defaultPort: 4101,
    start: async (port: number) => (await import('../../sim/tracr/index.js')).startTracrSimulator({ port }),
  },
  gia: {
    defaultPort: 4102,
    start: async (port: number) => (await import('../../sim/gia/index.js')).startGiaSimulator({ port }),
  },
} as const;

/** `tracebridge sim tracr|gia [--port N]`: runs one platform simulator until SIGINT or SIGTERM. */
export const sim: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    options: { port: { type: 'string' } },
    allowPositionals: true,
  });
  const name = positionals[0];
  if (positionals.length !== 1 || (name !== 'tracr' && name !== 'gia'))
    throw new UsageError('name one simulator: tracr or gia');
  const platform = platforms[name];
  const port = Number(values.port ?? platform.defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (got ${values.port})`);

  const running = await platform.start(port);
  io.stdout.write(`${name} simulator listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return exitCode.ok;
};
