/**
 * The bridge's configuration, merged explicitly: an option passed in code wins, then the environment, then
 * the default. Every value is checked once, here, and a bad one is refused naming the variable, the value
 * given and what was expected, so a typo in a deployment fails at start-up rather than at the first sync.
 */

import { checkOrgs, parseOrgs, type OrgEntry } from './participants/registry.js';
import { DEFAULT_AUDIT_RETENTION, type AuditRetention } from './store/audit.js';
import { MAX_STORE_SHARDS } from './store/keys.js';

/** Queue settings for one target platform. */
export interface PlatformQueueConfig {
  /**
   * Platform calls (`put`/`putMany`) one worker process has in flight at once for this platform. Where the
   * platform takes batched writes, the worker runs more jobs than this (see {@link jobConcurrencyFor}) and
   * they share these calls.
   */
  concurrency: number;
  /** Most jobs started per second across all workers (BullMQ limiter); 0 means no limit. */
  ratePerSec: number;
  /**
   * @deprecated Read for compatibility and ignored: sync jobs retry by age ({@link RetryConfig.maxAgeMs}),
   * never by a count, so an outage longer than any count fails nothing.
   */
  attempts: number;
}

/** How sync jobs back off and how workers recover from a killed process. */
export interface RetryConfig {
  /** Base of the exponential backoff, in milliseconds. */
  backoffBaseMs: number;
  /** Longest backoff, in milliseconds (a platform's Retry-After may ask for more, and gets it). */
  backoffMaxMs: number;
  /**
   * How long a sync job keeps retrying retryable failures, from its first attempt, before it fails for
   * good (`TRACEBRIDGE_RETRY_MAX_AGE`: `7d`, `36h`, `90m`, `45s` or milliseconds). Default 7 days.
   */
  maxAgeMs: number;
  /**
   * How often each platform's health is asked, in milliseconds; while it fails, the platform's sync queue
   * is paused and no attempt is spent, and it resumes by itself when health answers again. 0: never asked.
   */
  healthIntervalMs: number;
  /** How long a worker's claim on a job lasts without renewal; a killed worker's jobs return after it. */
  lockDurationMs: number;
  /** How often workers look for jobs whose worker died. */
  stalledIntervalMs: number;
}

/** The outbox sweeper: how often it looks for stones saved without their sync jobs, and how late they are. */
export interface OutboxConfig {
  /** How often a worker process sweeps the outbox (`TRACEBRIDGE_OUTBOX_SWEEP_MS`). Default 5 s. */
  sweepIntervalMs: number;
  /**
   * How old a sync intent must be before the sweeper enqueues it (`TRACEBRIDGE_OUTBOX_GRACE_MS`): the
   * saving process clears its own within this time unless it crashed. Default 30 s.
   */
  graceMs: number;
}

/** How many finished jobs Redis keeps, so memory stays flat however many stones are synced. */
export interface RetentionConfig {
  completedCount: number;
  completedAgeSec: number;
  failedCount: number;
  /** Failed jobs are kept long enough for someone to inspect and retry them. */
  failedAgeSec: number;
}

/** Everything the bridge reads from its environment. */
export interface BridgeConfig {
  /** One Redis node (`REDIS_URL`); unset when the bridge runs on a cluster. */
  redisUrl: string | undefined;
  /** A Redis Cluster's seed nodes as `host:port` (`REDIS_CLUSTER_NODES`, comma-separated). */
  redisClusterNodes: readonly string[] | undefined;
  /** Hash-tagged key prefix without a trailing colon, e.g. `{tracebridge}`; queues and store share it. */
  prefix: string;
  port: number;
  /**
   * Adapters' own options given in code, by adapter name; each wins over the adapter's environment
   * variables and options file (see `readAdapterOptions`). The adapters declare and check them.
   */
  adapterOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The participants registry (`TRACEBRIDGE_ORGS`): each bridge organisation's identities on each platform. */
  orgs: OrgEntry[];
  /** Built-in adapters to run; undefined means all of them. */
  adapters: string[] | undefined;
  /** Third-party adapter module paths. */
  adapterModules: string[];
  /** Per platform; platforms not named get {@link BridgeConfig.queueDefaults}. */
  queues: Record<string, PlatformQueueConfig>;
  queueDefaults: PlatformQueueConfig;
  /**
   * How many BullMQ queues each platform's sync queue is split into (`TRACEBRIDGE_QUEUE_PARTITIONS`, 1 to
   * 256), each with its own hash tag so a Redis Cluster spreads them over its masters; a stone always
   * goes to the same one. Default 1: the single queue `sync-<platform>` under {@link prefix}. Changed on
   * a running deployment with `tracebridge queues repartition N`.
   */
  queuePartitions: number;
  /**
   * How many shards the store spreads its stones and their indexes over (`TRACEBRIDGE_STORE_SHARDS`, 1 to
   * 1024), each with its own hash tag so a Redis Cluster spreads them over its masters. Default 1 on a
   * single node (every key under {@link prefix}'s tag) and 256 on a cluster. Fixed when the store is
   * first written: a bridge started with another count refuses to write.
   */
  storeShards: number;
  /** How often each change feed is pulled, in milliseconds. */
  feedIntervalMs: number;
  /** Rows a bulk import registers per batch and progress commit (`TRACEBRIDGE_IMPORT_BATCH_SIZE`). Default 200. */
  importBatchSize: number;
  retry: RetryConfig;
  retention: RetentionConfig;
  outbox: OutboxConfig;
  /** How much of the audit log Redis keeps. */
  audit: AuditRetention;
}

/** Values given in code; each wins over the environment. */
export type ConfigOptions = Partial<Omit<BridgeConfig, 'retry' | 'retention' | 'audit' | 'outbox'>> & {
  outbox?: Partial<OutboxConfig>;
  audit?: Partial<AuditRetention>;
  retry?: Partial<RetryConfig>;
  retention?: Partial<RetentionConfig>;
};

/** A configuration value that cannot be used; names the variable, the value and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`[tracebridge] [config] ${variable}=${JSON.stringify(value)} is not valid: expected ${expected}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The store's shards on a cluster unless `TRACEBRIDGE_STORE_SHARDS` says otherwise: even over any master count. */
export const CLUSTER_STORE_SHARDS = 256;

/** Most partitions a platform's sync queue may have (`TRACEBRIDGE_QUEUE_PARTITIONS`). */
export const MAX_QUEUE_PARTITIONS = 256;

const PREFIX_PATTERN = /^\{[A-Za-z0-9._-]+\}[A-Za-z0-9._:-]*$/;
const PLATFORM_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const QUEUE_VARIABLE = /^TRACEBRIDGE_([A-Z][A-Z0-9_]*)_(?:CONCURRENCY|RATE_LIMIT|ATTEMPTS)$/;

/** Reads and checks the configuration: `options` ?? `env` ?? default. */
export function loadConfig(options: ConfigOptions = {}, env: Env = process.env): BridgeConfig {
  const read = readers(env);
  const prefix = options.prefix ?? read.text('TRACEBRIDGE_PREFIX') ?? '{tracebridge}';
  if (!PREFIX_PATTERN.test(prefix) || prefix.endsWith(':')) {
    throw new ConfigError(
      'TRACEBRIDGE_PREFIX',
      prefix,
      'a Redis Cluster hash tag in braces at the start, such as {tracebridge}, with no trailing colon',
    );
  }
  const adapters = options.adapters ?? read.list('TRACEBRIDGE_ADAPTERS');
  for (const name of adapters ?? []) {
    if (!PLATFORM_PATTERN.test(name))
      throw new ConfigError('TRACEBRIDGE_ADAPTERS', name, 'adapter names such as gia,tracr');
  }
  const queueDefaults: PlatformQueueConfig = {
    concurrency: read.int('TRACEBRIDGE_CONCURRENCY', 1) ?? 16,
    ratePerSec: read.int('TRACEBRIDGE_RATE_LIMIT', 0) ?? 0,
    attempts: read.int('TRACEBRIDGE_ATTEMPTS', 1) ?? 12,
    ...options.queueDefaults,
  };
  const queues: Record<string, PlatformQueueConfig> = {};
  // Any adapter's queue may be tuned, named or not in TRACEBRIDGE_ADAPTERS: its variables name it.
  const tuned = Object.keys(env).flatMap((variable) => {
    const platform = QUEUE_VARIABLE.exec(variable)?.[1];
    return platform === undefined ? [] : [platform.toLowerCase().replaceAll('_', '-')];
  });
  for (const name of new Set([...(adapters ?? []), ...tuned, ...Object.keys(options.queues ?? {})])) {
    const upper = name.toUpperCase().replaceAll('-', '_');
    queues[name] = {
      concurrency: read.int(`TRACEBRIDGE_${upper}_CONCURRENCY`, 1) ?? queueDefaults.concurrency,
      ratePerSec: read.int(`TRACEBRIDGE_${upper}_RATE_LIMIT`, 0) ?? queueDefaults.ratePerSec,
      attempts: read.int(`TRACEBRIDGE_${upper}_ATTEMPTS`, 1) ?? queueDefaults.attempts,
      ...options.queues?.[name],
    };
  }
  const redisUrl = options.redisUrl ?? read.url('REDIS_URL', ['redis:', 'rediss:']);
  const redisClusterNodes = options.redisClusterNodes ?? read.list('REDIS_CLUSTER_NODES');
  for (const node of redisClusterNodes ?? []) {
    if (!/^[A-Za-z0-9._-]+:\d{1,5}$/.test(node) || Number(node.split(':').at(-1)) > 65535)
      throw new ConfigError('REDIS_CLUSTER_NODES', node, 'seed nodes as host:port, comma-separated');
  }
  if (redisUrl !== undefined && redisClusterNodes !== undefined && redisClusterNodes.length > 0)
    throw new ConfigError(
      'REDIS_CLUSTER_NODES',
      redisClusterNodes.join(','),
      'either REDIS_URL (one node) or REDIS_CLUSTER_NODES (a cluster), not both',
    );
  const queuePartitions =
    options.queuePartitions ?? read.int('TRACEBRIDGE_QUEUE_PARTITIONS', 1, MAX_QUEUE_PARTITIONS) ?? 1;
  if (!Number.isSafeInteger(queuePartitions) || queuePartitions < 1 || queuePartitions > MAX_QUEUE_PARTITIONS)
    throw new ConfigError(
      'TRACEBRIDGE_QUEUE_PARTITIONS',
      queuePartitions,
      `a whole number from 1 to ${MAX_QUEUE_PARTITIONS}`,
    );
  const cluster = redisClusterNodes !== undefined && redisClusterNodes.length > 0;
  const storeShards =
    options.storeShards ??
    read.int('TRACEBRIDGE_STORE_SHARDS', 1, MAX_STORE_SHARDS) ??
    (cluster ? CLUSTER_STORE_SHARDS : 1);
  if (!Number.isSafeInteger(storeShards) || storeShards < 1 || storeShards > MAX_STORE_SHARDS)
    throw new ConfigError(
      'TRACEBRIDGE_STORE_SHARDS',
      storeShards,
      `a whole number from 1 to ${MAX_STORE_SHARDS}`,
    );
  return {
    redisUrl,
    redisClusterNodes: cluster ? redisClusterNodes : undefined,
    storeShards,
    prefix,
    port: options.port ?? read.int('PORT', 0, 65535) ?? 8080,
    adapterOptions: options.adapterOptions ?? {},
    orgs: options.orgs === undefined ? parseOrgs(read.text('TRACEBRIDGE_ORGS')) : checkOrgs(options.orgs),
    adapters,
    adapterModules: options.adapterModules ?? read.list('TRACEBRIDGE_ADAPTER_MODULES') ?? [],
    queues,
    queueDefaults,
    queuePartitions,
    feedIntervalMs: options.feedIntervalMs ?? read.int('TRACEBRIDGE_FEED_INTERVAL_MS', 50) ?? 5_000,
    importBatchSize: options.importBatchSize ?? read.int('TRACEBRIDGE_IMPORT_BATCH_SIZE', 1) ?? 200,
    retry: {
      backoffBaseMs: read.int('TRACEBRIDGE_BACKOFF_BASE_MS', 1) ?? 1_000,
      backoffMaxMs: read.int('TRACEBRIDGE_BACKOFF_MAX_MS', 1) ?? 300_000,
      maxAgeMs: read.duration('TRACEBRIDGE_RETRY_MAX_AGE') ?? 7 * DAY_MS,
      healthIntervalMs: read.int('TRACEBRIDGE_HEALTH_INTERVAL_MS', 0) ?? 10_000,
      lockDurationMs: read.int('TRACEBRIDGE_LOCK_DURATION_MS', 1_000) ?? 30_000,
      stalledIntervalMs: read.int('TRACEBRIDGE_STALLED_INTERVAL_MS', 500) ?? 30_000,
      ...options.retry,
    },
    outbox: {
      sweepIntervalMs: read.int('TRACEBRIDGE_OUTBOX_SWEEP_MS', 50) ?? 5_000,
      graceMs: read.int('TRACEBRIDGE_OUTBOX_GRACE_MS', 0) ?? 30_000,
      ...options.outbox,
    },
    retention: {
      completedCount: read.int('TRACEBRIDGE_KEEP_COMPLETED', 0) ?? 1_000,
      completedAgeSec: read.int('TRACEBRIDGE_KEEP_COMPLETED_SEC', 0) ?? 3_600,
      failedCount: read.int('TRACEBRIDGE_KEEP_FAILED', 0) ?? 10_000,
      failedAgeSec: read.int('TRACEBRIDGE_KEEP_FAILED_SEC', 0) ?? 14 * 24 * 3_600,
      ...options.retention,
    },
    audit: {
      maxLen: read.int('TRACEBRIDGE_AUDIT_MAX_LEN', 0) ?? DEFAULT_AUDIT_RETENTION.maxLen,
      stoneMaxLen: read.int('TRACEBRIDGE_AUDIT_STONE_MAX_LEN', 0) ?? DEFAULT_AUDIT_RETENTION.stoneMaxLen,
      maxAgeMs: read.duration('TRACEBRIDGE_AUDIT_MAX_AGE', 'no limit') ?? DEFAULT_AUDIT_RETENTION.maxAgeMs,
      ...options.audit,
    },
  };
}

/** The queue settings for `platform`. */
export function queueConfigFor(config: BridgeConfig, platform: string): PlatformQueueConfig {
  return config.queues[platform] ?? config.queueDefaults;
}

/**
 * How many of a call's batch slots each in-flight call keeps fed with jobs: a ledger that makes a write
 * final only at its next block holds every job until then, so jobs, not calls, are what run out.
 */
export const JOBS_PER_BATCHED_CALL = 8;

/**
 * The most jobs one worker process runs at once when puts are batched. Past a few hundred, the renewals
 * of the jobs' locks queue behind the jobs' own Redis traffic and expire, and BullMQ takes live jobs
 * for stalled ones.
 */
export const MAX_BATCHED_JOBS = 128;

/**
 * Sync jobs one worker process runs at once for a platform: `concurrency` for a platform that takes one
 * stone per call; for one with `putMany`, `concurrency * min(batchWriteSize, JOBS_PER_BATCHED_CALL)`
 * capped at {@link MAX_BATCHED_JOBS} (never below `concurrency`), so enough jobs wait on the same block to
 * fill the calls, which stay limited to `concurrency`.
 */
export function jobConcurrencyFor(
  settings: PlatformQueueConfig,
  write: { batchWriteSize: number; putMany: boolean },
): number {
  const { concurrency } = settings;
  if (!write.putMany || write.batchWriteSize <= 1) return concurrency;
  const fed = concurrency * Math.min(write.batchWriteSize, JOBS_PER_BATCHED_CALL);
  return Math.max(concurrency, Math.min(fed, MAX_BATCHED_JOBS));
}

const DAY_MS = 24 * 3_600_000;
const DURATION_UNITS: Record<string, number> = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** A duration as people write it: `7d`, `36h`, `90m`, `45s`, `1500ms` or bare milliseconds; undefined if not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(d|h|m|s|ms)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!;
  return Number.isFinite(ms) && ms >= 1 ? Math.round(ms) : undefined;
}

function readers(env: Env) {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    text,
    list(name: string): string[] | undefined {
      const value = text(name);
      return value
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },
    int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      const number = Number(value);
      if (!/^\d+$/.test(value) || number < min || number > max) {
        throw new ConfigError(name, value, `a whole number from ${min} to ${max}`);
      }
      return number;
    },
    /** A duration in milliseconds (`7d`, `36h`, `90m`, `45s`, ms); `0` only where `zero` says what it means. */
    duration(name: string, zero?: 'no limit'): number | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      if (zero !== undefined && value.trim() === '0') return 0;
      const ms = parseDuration(value);
      if (ms === undefined)
        throw new ConfigError(
          name,
          value,
          `a duration such as 7d, 36h, 90m, 45s, or milliseconds${zero === undefined ? '' : ` (0: ${zero})`}`,
        );
      return ms;
    },
    url(name: string, protocols = ['http:', 'https:']): string | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      let protocol: string | undefined;
      try {
        protocol = new URL(value).protocol;
      } catch {
        protocol = undefined;
      }
      if (!protocol || !protocols.includes(protocol)) {
        throw new ConfigError(name, value, `a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
      return value;
    },
  };
}
