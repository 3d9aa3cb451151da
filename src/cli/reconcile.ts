import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { createBridge, type Bridge } from '../bridge.js';
import { loadConfig } from '../config.js';
import { applyRunCorrections, type RunApplyResult } from '../reconcile/apply-run.js';
import { runReportSource, writeReport, type ReportFormat } from '../reconcile/report.js';
import { executeRun, platformsInPlay } from '../reconcile/execute-run.js';
import { startRun, type RunProgress } from '../store/reconcile-runs.js';
import { StoreInputError, connectRedis, describeTarget, redisTarget } from '../store/index.js';
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
  const target = redisTarget(config);
  if (target === undefined)
    throw new UsageError(
      'REDIS_URL (or REDIS_CLUSTER_NODES) must name the Redis that holds the bridge (e.g. redis://127.0.0.1:6379)',
    );
  // Fail fast when Redis is down: a command-line run should say so, not wait for it to come back.
  const redis = connectRedis(target, 'command');
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    io.stderr.write(
      `tracebridge reconcile: cannot reach Redis at ${describeTarget(target)}: ${(error as Error).message}\n`,
    );
    redis.disconnect();
    return exitCode.usage;
  }
  // The run's queues are opened only to apply its corrections.
  const bridge = await createBridge(config, { queues: options.apply, storeConnection: redis });
  try {
    return await run(bridge, options, io);
  } finally {
    await bridge.close();
    redis.disconnect();
  }
};

interface ReconcileOptions {
  ids: string[];
  format: ReportFormat;
  apply: boolean;
  refresh: boolean;
}

async function run(bridge: Bridge, options: ReconcileOptions, io: CliIO): Promise<number> {
  // The platforms this bridge is configured for; one it cannot connect is neither compared nor queued.
  const { adapters, clients, store } = bridge;
  const actor = cliActor();
  let runId: string;
  try {
    runId = await startRun(store, options.ids.length > 0 ? { ids: options.ids } : { all: true }, { actor });
  } catch (error) {
    if (error instanceof StoreInputError) throw new UsageError(error.message);
    throw error;
  }
  // Only a refresh reads the platforms; otherwise the run compares the mirrors the workers keep.
  if (options.refresh)
    for (const { adapter, reason } of bridge.unconnected)
      io.stderr.write(`tracebridge reconcile: not reading ${adapter}: ${reason}\n`);
  const bar = progressBar(io.stderr);
  await executeRun(store, runId, {
    adapters: [...adapters.values()],
    platforms: platformsInPlay(adapters.values(), clients),
    ...(options.refresh ? { refresh: clients } : {}),
    onProgress: bar,
  });
  const source = await runReportSource(store, runId);
  if (!source) throw new Error(`run ${runId} vanished from Redis`);
  await writeReport(io.stdout, source, options.format);
  const { counts } = source.header;
  io.stderr.write(
    `tracebridge reconcile: run ${runId}: ${counts.mismatches} mismatches ` +
      `(${counts.bySeverity.critical} critical, ${counts.bySeverity.major} major, ${counts.bySeverity.minor} minor), ` +
      `${counts.unmatched} unmatched\n`,
  );
  if (options.apply && bridge.queues) {
    const writable = [...adapters.values()].filter((adapter) => adapter.capabilities.write);
    const applied = await applyRunCorrections({ store, queues: bridge.queues, adapters: writable }, runId, {
      actor,
    });
    printApplied(io.stderr, applied);
  }
  return counts.mismatches + counts.unmatched > 0 ? exitCode.invalid : exitCode.ok;
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
