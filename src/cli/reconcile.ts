import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { loadAdapters } from '../adapters/registry.js';
import { loadConfig, type BridgeConfig } from '../config.js';
import { connectClients } from '../queue/clients.js';
import { createQueues, queueConnection } from '../queue/queues.js';
import { applyRunCorrections, type RunApplyResult } from '../reconcile/apply-run.js';
import { runReportSource, writeReport, type ReportFormat } from '../reconcile/report.js';
import { executeRun, platformsInPlay, startRun, type RunProgress } from '../reconcile/runs.js';
import { createStore, StoreInputError, type Store } from '../store/index.js';
import { exitCode, UsageError, type CliIO, type Command } from './io.js';

/**
 * `tracebridge reconcile [--id ID]... [--format json|csv|html] [--apply] [--refresh]`: runs a
 * reconciliation over the named stones (or every stone) in this process against `REDIS_URL`, with a
 * progress bar on stderr, and prints the report on stdout. `--refresh` reads every platform again for the
 * named stones first; `--apply` then applies the corrections and queues them to the platforms. The run is
 * stored like one started through the API, so `GET /v1/reconcile/:runId` shows it too.
 * Exit 0 when clean, 1 when mismatches or unmatched stones were found, 2 on bad usage or no Redis.
 */
export const reconcile: Command = async (args, io) => {
  const options = parseArgs(args);
  const config = loadConfig();
  if (config.redisUrl === undefined)
    throw new UsageError('REDIS_URL must name the Redis that holds the bridge (e.g. redis://127.0.0.1:6379)');
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    // Fail fast when Redis is down: a command-line run should say so, not wait for it to come back.
    retryStrategy: (times) => (times > 3 ? null : 200 * times),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    io.stderr.write(
      `tracebridge reconcile: cannot reach Redis at ${redactUrl(config.redisUrl)}: ${(error as Error).message}\n`,
    );
    redis.disconnect();
    return exitCode.usage;
  }
  try {
    return await run(
      createStore(redis, { prefix: `${config.prefix}:`, audit: config.audit }),
      config,
      options,
      io,
    );
  } finally {
    redis.disconnect();
  }
};

interface ReconcileOptions {
  ids: string[];
  format: ReportFormat;
  apply: boolean;
  refresh: boolean;
}

async function run(
  store: Store,
  config: BridgeConfig,
  options: ReconcileOptions,
  io: CliIO,
): Promise<number> {
  const adapters = await loadAdapters({ enabled: config.adapters, modules: config.adapterModules });
  const actor = cliActor();
  let runId: string;
  try {
    runId = await startRun(store, options.ids.length > 0 ? { ids: options.ids } : { all: true }, { actor });
  } catch (error) {
    if (error instanceof StoreInputError) throw new UsageError(error.message);
    throw error;
  }
  // Only a refresh reads the platforms; otherwise the run compares the mirrors the workers keep.
  const connected = options.refresh ? connectClients(config, adapters) : undefined;
  for (const { adapter, reason } of connected?.unconnected ?? [])
    io.stderr.write(`tracebridge reconcile: not reading ${adapter}: ${reason}\n`);
  const bar = progressBar(io.stderr);
  try {
    await executeRun(store, runId, {
      adapters: [...adapters.values()],
      platforms: platformsInPlay(adapters.values(), connected?.clients),
      ...(connected ? { refresh: connected.clients } : {}),
      onProgress: bar,
    });
  } finally {
    const clients = [...(connected?.clients.values() ?? [])];
    await Promise.allSettled(clients.map(async (client) => client.close?.()));
  }
  const source = await runReportSource(store, runId);
  if (!source) throw new Error(`run ${runId} vanished from Redis`);
  await writeReport(io.stdout, source, options.format);
  const { counts } = source.header;
  io.stderr.write(
    `tracebridge reconcile: run ${runId}: ${counts.mismatches} mismatches ` +
      `(${counts.bySeverity.critical} critical, ${counts.bySeverity.major} major, ${counts.bySeverity.minor} minor), ` +
      `${counts.unmatched} unmatched\n`,
  );
  if (options.apply) printApplied(io.stderr, await applyRun(store, config, runId, actor, adapters));
  return counts.mismatches + counts.unmatched > 0 ? exitCode.invalid : exitCode.ok;
}

async function applyRun(
  store: Store,
  config: BridgeConfig,
  runId: string,
  actor: string,
  adapters: Awaited<ReturnType<typeof loadAdapters>>,
): Promise<RunApplyResult> {
  const connection = queueConnection(config.redisUrl!);
  connection.on('error', () => undefined);
  const writable = [...adapters.values()].filter((adapter) => adapter.capabilities.write);
  const queues = createQueues(
    connection,
    config,
    writable.map((adapter) => adapter.name),
  );
  try {
    return await applyRunCorrections({ store, queues, adapters: writable }, runId, { actor });
  } finally {
    await queues.close();
    connection.disconnect();
  }
}

function printApplied(out: Writable, { applied, skipped, jobs }: RunApplyResult): void {
  for (const change of applied) {
    out.write(
      `applied ${change.diamondId} ${change.field}: ${JSON.stringify(change.from ?? null)} -> ` +
        `${JSON.stringify(change.to)} (from ${change.authority}; push to ${change.pushTo.join(', ') || 'none'})\n`,
    );
  }
  for (const skip of skipped) out.write(`skipped ${skip.diamondId} ${skip.field}: ${skip.detail}\n`);
  out.write(
    `tracebridge reconcile: applied ${applied.length}, skipped ${skipped.length}, queued ${jobs.length} sync jobs\n`,
  );
}

function parseArgs(args: string[]): ReconcileOptions {
  const options: ReconcileOptions = { ids: [], format: 'json', apply: false, refresh: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--apply') options.apply = true;
    else if (arg === '--refresh') options.refresh = true;
    else if (arg === '--id') {
      const id = args[++i];
      if (id === undefined || id.startsWith('--')) throw new UsageError('--id needs a bridge ID (tb_...)');
      options.ids.push(id);
    } else if (arg === '--format') {
      const format = args[++i];
      if (format !== 'json' && format !== 'csv' && format !== 'html')
        throw new UsageError(`--format must be json, csv or html, got ${JSON.stringify(format ?? null)}`);
      options.format = format;
    } else throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
  }
  if (options.refresh && options.ids.length === 0)
    throw new UsageError('--refresh reads every platform per stone: name the stones with --id');
  options.ids = [...new Set(options.ids)];
  return options;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal; otherwise (a log file, CI) one line each time
 * another tenth of the stones is done, so the log stays short.
 */
function progressBar(out: Writable): (progress: RunProgress) => void {
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  let lastTenth = 0;
  return ({ done, total }) => {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const percent = Math.floor(fraction * 100);
    if (tty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      out.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total} stones`,
      );
      if (done >= total) out.write('\n');
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      out.write(`reconcile: ${percent}% (${done} of ${total} stones)\n`);
    }
  };
}

function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (a container's arbitrary uid): the run is still attributed to the command line.
  }
  return `cli:${name.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 64) || 'unknown'}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
