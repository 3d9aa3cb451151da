import { parseArgs } from 'node:util';
import { exitCode, UsageError, stopRequested, type Command } from './io.js';

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
  epcis: {
    defaultPort: 4103,
    start: async (port: number) => (await import('../../sim/epcis/index.js')).startEpcisSimulator({ port }),
  },
} as const;

type SimulatorName = keyof typeof platforms;

/** `tracebridge sim tracr|gia|epcis [--port N]`: runs one platform simulator until SIGINT or SIGTERM. */
export const sim: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    options: { port: { type: 'string' } },
    allowPositionals: true,
  });
  const name = positionals[0];
  if (positionals.length !== 1 || name === undefined || !Object.hasOwn(platforms, name))
    throw new UsageError('name one simulator: tracr, gia or epcis');
  const platform = platforms[name as SimulatorName];
  const port = Number(values.port ?? platform.defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (got ${values.port})`);

  const running = await platform.start(port);
  const stopping = stopRequested();
  io.stdout.write(`${name} simulator listening on ${running.url}\n`);
  await stopping;
  await running.close();
  return exitCode.ok;
};
