import { exitCode, UsageError, type CliIO, type Command } from './io.js';

/** Commands load on demand, so `tracebridge validate` never pays for express or BullMQ. */
/** Each command: its usage line, one sentence on what it does, and how to load it. */
const commands: Record<string, { usage: string; summary: string; load: () => Promise<Command> }> = {
  demo: {
    usage: 'demo',
    summary: 'run Redis, both simulators, the API and workers with sample stones',
    load: async () => (await import('./demo.js')).demo,
  },
  validate: {
    usage: 'validate [FILE|-]',
    summary: 'check canonical records (object, array or NDJSON)',
    load: async () => (await import('./validate.js')).validate,
  },
  map: {
    usage: 'map --from A --to B [FILE|-]',
    summary: 'translate one record between canonical and an adapter',
    load: async () => (await import('./map.js')).map,
  },
  import: {
    usage: 'import [--columns MAP] [--format csv|ndjson] [FILE|-]',
    summary:
      'register stones in bulk from CSV or NDJSON through a running bridge; exit 1 when rows are refused',
    load: async () => (await import('./import.js')).importCommand,
  },
  worker: {
    usage: 'worker [--grace SECONDS]',
    summary: 'run the sync and change-feed workers (REDIS_URL)',
    load: async () => (await import('./worker.js')).worker,
  },
  serve: {
    usage: 'serve [--port N] [--no-workers]',
    summary: 'run the HTTP API (and the sync workers)',
    load: async () => (await import('./serve.js')).serve,
  },
  lookup: {
    usage: 'lookup --tracr-id X | --gia-report N | --inscription S | --id ID',
    summary: 'ask a running bridge',
    load: async () => (await import('./lookup.js')).lookup,
  },
  reconcile: {
    usage: 'reconcile [--id ID]... [--format json|csv|html] [--apply] [--refresh]',
    summary: 'find the records platforms disagree on (REDIS_URL); exit 1 when any',
    load: async () => (await import('./reconcile.js')).reconcile,
  },
  jobs: {
    usage: 'jobs retry [--platform P] [--state failed|delayed] [--reason TEXT] [--org ORG]',
    summary: 'retry every sync job a filter matches on a running bridge',
    load: async () => (await import('./jobs.js')).jobs,
  },
  queues: {
    usage: 'queues repartition N [--from M]',
    summary:
      'move the waiting sync jobs to N queue partitions, with every bridge process stopped (REDIS_URL)',
    load: async () => (await import('./queues.js')).queues,
  },
  epcis: {
    usage: 'epcis hash [--prehash] [FILE|-]',
    summary: 'CBV 2.0 event hash of every event in an EPCIS document, one line each',
    load: async () => (await import('./epcis.js')).epcis,
  },
  sim: {
    usage: 'sim tracr|gia|epcis [--port N]',
    summary: 'run one platform simulator',
    load: async () => (await import('./sim.js')).sim,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  tracebridge ${c.usage}\n      ${c.summary}`);
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
      io.stderr.write(`tracebridge ${name}: ${error.message}\nusage: tracebridge ${command.usage}\n`);
      return exitCode.usage;
    }
    io.stderr.write(`tracebridge ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCode.usage;
  }
}
