import type { ChainableCommander } from 'ioredis';
import { CorruptEntryError } from './errors.js';
import { assertDiamondId, type StoreKeys } from './keys.js';
import { appendAuditScript, runScript, type RedisClient } from './scripts.js';

/**
 * The audit log: every change the store makes is appended, in the same atomic step as the change, to one
 * stream per stone and to one stream per shard of stones (store/keys.ts); an entry about no stone goes to
 * the bridge's own stream. Both are trimmed as they are written, by length and by age
 * ({@link AuditRetention}), so under `maxmemory-policy noeviction` the log can never fill Redis and
 * refuse the writes of the stones themselves. Trimming is approximate (`MAXLEN ~`, `MINID ~`): Redis
 * drops whole listpack nodes cheaply, so a stream keeps at least what was asked and at most one node
 * (`stream-node-max-entries`, 100 by default) more. A longer record belongs in an archive fed from the
 * global stream.
 */

/** How much of the audit log Redis keeps; 0 turns a limit off. */
export interface AuditRetention {
  /** Entries kept in the global stream (`TRACEBRIDGE_AUDIT_MAX_LEN`). */
  maxLen: number;
  /** Entries kept in each stone's stream (`TRACEBRIDGE_AUDIT_STONE_MAX_LEN`). */
  stoneMaxLen: number;
  /** Entries older than this are dropped from both, in milliseconds (`TRACEBRIDGE_AUDIT_MAX_AGE`). */
  maxAgeMs: number;
}

/** One million entries globally, a thousand per stone, a year and a month of age. */
export const DEFAULT_AUDIT_RETENTION: AuditRetention = {
  maxLen: 1_000_000,
  stoneMaxLen: 1_000,
  maxAgeMs: 400 * 24 * 3_600_000,
};

/** Checks a retention, naming the field that is not a whole number of 0 or more. */
export function auditRetention(given: Partial<AuditRetention> = {}): AuditRetention {
  const retention = { ...DEFAULT_AUDIT_RETENTION, ...given };
  for (const [field, value] of Object.entries(retention)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`audit retention ${field} ${value} must be a whole number, 0 or more`);
  }
  return retention;
}

/** The retention as one script argument, as the audit Lua (audit-lua.ts) reads it. */
export function auditRetentionArg(retention: AuditRetention): string {
  return `${retention.maxLen} ${retention.stoneMaxLen} ${retention.maxAgeMs}`;
}

/** Queues the trims the audit Lua (audit-lua.ts) makes on a MULTI that appended to `key` at `nowMs`. */
function trimAuditInMulti(
  multi: ChainableCommander,
  key: string,
  maxLen: number,
  retention: AuditRetention,
  nowMs: number,
): void {
  if (maxLen > 0) multi.xtrim(key, 'MAXLEN', '~', maxLen);
  if (retention.maxAgeMs > 0) multi.xtrim(key, 'MINID', '~', Math.max(0, nowMs - retention.maxAgeMs));
}

/** One entry of the audit log. */
export interface AuditEntry {
  /** The stream entry ID (`1718000000000-0`): the entry's place in the log, usable as `before`. */
  entryId: string;
  /** When the change was stored (ISO 8601, UTC). */
  at: string;
  /** Who made the change: an API key's principal, `worker:gia`, `cli`. */
  actor: string;
  /** What the caller was doing: `register`, `sync`, `change-feed`, `link`. */
  action: string;
  diamondId: string;
  /** The platform the change came from or concerns. */
  platform?: string;
  /** The stone's version after the change (saves only). */
  version?: number;
  /** `created` or `updated` (saves only). */
  outcome?: string;
  /** Caller-supplied context, as stored. */
  detail?: Record<string, unknown>;
}

/** Options for {@link AuditLog.recent}. */
export interface RecentOptions {
  /** How many entries, newest first. Default 100. */
  count?: number;
  /** Only entries older than this entry ID, to page backwards. */
  before?: string;
}

/** An entry to append with {@link AuditLog.append}. */
export interface NewAuditEntry {
  at: string;
  actor: string;
  action: string;
  /** The stone the entry concerns; without one it goes to the bridge's own stream. */
  diamondId?: string;
  platform?: string;
  detail?: Record<string, unknown>;
}

/**
 * Reads the audit log. Changes to stones append inside the store's scripts, in the same step as the
 * change; {@link AuditLog.append} is for entries that record something other than a stored change.
 */
export interface AuditLog {
  /** How much of the log is kept; every append trims by it. */
  readonly retention: AuditRetention;
  /** Appends entries: each stone's to its own stream and its shard's, the others to the bridge's. */
  append(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Every change to one stone, oldest first. */
  history(id: string): Promise<AuditEntry[]>;
  /**
   * The latest changes across all stones, newest first: every shard's stream read back from `before` and
   * merged by entry ID (each shard's clock dates its IDs, so across masters the order is as close as their
   * clocks).
   */
  recent(options?: RecentOptions): Promise<AuditEntry[]>;
}

const ENTRY_ID = /^\d+-\d+$/;

/** The audit log over `keys`; `trim` is the retention as the scripts take it (see createStore). */
export function createAuditLog(
  redis: RedisClient,
  keys: StoreKeys,
  retention: AuditRetention = DEFAULT_AUDIT_RETENTION,
  trim = auditRetentionArg(retention),
): AuditLog {
  // The bridge's own stream first, then each shard's; with one shard they are one stream.
  const streams = [
    ...new Set([keys.auditLog, ...Array.from({ length: keys.shards }, (_, shard) => keys.shardAudit(shard))]),
  ];
  return {
    retention,
    async append(entries) {
      const fieldsOf = ({ at, actor, action, diamondId, platform, detail }: NewAuditEntry) => [
        'at',
        at,
        'actor',
        actor,
        'action',
        action,
        'diamondId',
        diamondId ?? '',
        ...(platform === undefined ? [] : ['platform', platform]),
        ...(detail === undefined ? [] : ['detail', JSON.stringify(detail)]),
      ];
      const loose = entries.filter(({ diamondId }) => diamondId === undefined);
      await Promise.all([
        ...entries.flatMap(({ diamondId, ...entry }) =>
          diamondId === undefined
            ? []
            : [
                runScript(
                  redis,
                  appendAuditScript,
                  [keys.shardAudit(keys.shardOf(diamondId)), keys.stoneAudit(diamondId)],
                  [trim, ...fieldsOf({ ...entry, diamondId })],
                ),
              ],
        ),
        loose.length === 0
          ? undefined
          : (async () => {
              const multi = redis.multi();
              for (const entry of loose) multi.xadd(keys.auditLog, '*', ...fieldsOf(entry));
              trimAuditInMulti(multi, keys.auditLog, retention.maxLen, retention, Date.now());
              for (const [error] of (await multi.exec()) ?? []) if (error) throw error;
            })(),
      ]);
    },
    async history(id) {
      const key = keys.stoneAudit(assertDiamondId(id));
      const entries = await redis.xrange(key, '-', '+');
      return entries.map(([entryId, fields]) => parseEntry(key, entryId, fields));
    },
    async recent({ count = 100, before } = {}) {
      if (!Number.isInteger(count) || count < 1)
        throw new RangeError(`audit count ${count} must be a positive integer`);
      if (before !== undefined && !ENTRY_ID.test(before)) {
        throw new RangeError(
          `audit before ${JSON.stringify(before)} must be a stream entry ID such as 1718000000000-0`,
        );
      }
      const end = before === undefined ? '+' : `(${before}`;
      const read = await Promise.all(
        streams.map(async (key) =>
          (await redis.xrevrange(key, end, '-', 'COUNT', count)).map(([entryId, fields]) =>
            parseEntry(key, entryId, fields),
          ),
        ),
      );
      return read
        .flat()
        .sort((a, b) => compareEntryIds(b.entryId, a.entryId))
        .slice(0, count);
    },
  };
}

// Stream entry IDs in order: milliseconds, then sequence.
function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}

function parseEntry(key: string, entryId: string, fields: string[]): AuditEntry {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] as string, fields[i + 1] as string);
  const required = (name: string): string => {
    const value = values.get(name);
    if (value === undefined) throw new CorruptEntryError(`${key} ${entryId}`, `audit entry has no ${name}`);
    return value;
  };
  const entry: AuditEntry = {
    entryId,
    at: required('at'),
    actor: required('actor'),
    action: required('action'),
    diamondId: required('diamondId'),
  };
  const platform = values.get('platform');
  if (platform !== undefined) entry.platform = platform;
  const version = values.get('version');
  if (version !== undefined) entry.version = Number(version);
  const outcome = values.get('outcome');
  if (outcome !== undefined) entry.outcome = outcome;
  const detail = values.get('detail');
  if (detail !== undefined)
    entry.detail = parseJson(`${key} ${entryId} detail`, detail) as Record<string, unknown>;
  return entry;
}

/** `JSON.parse` that names the key it read instead of throwing a bare SyntaxError. */
export function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CorruptEntryError(key, `stored JSON does not parse (${(error as Error).message})`);
  }
}
