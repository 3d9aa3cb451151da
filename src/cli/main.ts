import { exitCode, UsageError, type CliIO, type Command } from './io.js';

/** Commands load on demand, so `tracebridge validate` never pays for express or BullMQ. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: 'validate [FILE|-]            check canonical records (object, array or NDJSON)',
    load: async () => (await import('./validate.js')).validate,
  },
  map: {
    summary: 'map --from A --to B [FILE|-]  translate one record between canonical and an adapter',
    load: async () => (await import('./map.js')).map,
  },
  sim: {
    summary: 'sim tracr|gia [--port N]      run one platform simulator',
    load: async () => (await import('./sim.js')).sim,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  tracebridge ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

/** Runs one command line and answers its exit code; never throws. */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? exitCode.usage : exitCode.ok;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`tracebridge: unknown command '${name}'\n${usage()}`);
    return exitCode.usage;
  }
  try {
    return await (
      await command.load()
    )(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tracebridge ${name}: ${error.message}\nusage: tracebridge ${command.summary}\n`);
      return exitCode.usage;
    }
    io.stderr.write(`tracebridge ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCode.usage;
  }
}
