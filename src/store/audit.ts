import { CorruptEntryError } from './errors.js';
import { assertDiamondId, type StoreKeys } from './keys.js';
import type { RedisClient } from './scripts.js';

/**
 * The audit log: every change the store makes is appended, in the same atomic step as the change, to one
 * stream per stone and to one global stream. Nothing trims the per-stone streams; the global stream is
 * trimmed only when the store is created with `auditMaxLen` (approximate MAXLEN, so Redis trims whole
 * listpack nodes cheaply and keeps at least that many entries).
 */

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

/** Reads the audit log. Appending happens only inside the store's scripts. */
export interface AuditLog {
  /** Every change to one stone, oldest first. */
  history(id: string): Promise<AuditEntry[]>;
  /** The latest changes across all stones, newest first. */
  recent(options?: RecentOptions): Promise<AuditEntry[]>;
}

const ENTRY_ID = /^\d+-\d+$/;

/** The audit log reader over `keys`. */
export function createAuditLog(redis: RedisClient, keys: StoreKeys): AuditLog {
  return {
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
      const entries = await redis.xrevrange(keys.auditLog, end, '-', 'COUNT', count);
      return entries.map(([entryId, fields]) => parseEntry(keys.auditLog, entryId, fields));
    },
  };
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
