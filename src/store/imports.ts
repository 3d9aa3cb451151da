import { parseJson } from './audit.js';
import { newDiamondId } from './diamond-id.js';
import { assertOpaqueId, assertSafeText, type StoreKeys } from './keys.js';
import type { RedisClient } from './scripts.js';

/**
 * Bulk imports in Redis. An uploaded file is spooled in fixed-size chunks under the import's key, so no
 * process holds the whole file and any bridge process's worker can read it; progress (the byte offset of
 * the last row durably handled, with its counts, errors and refused rows) moves in one MULTI per batch, so
 * a killed import resumes exactly where its last batch ended. Chunks behind the offset are dropped as the
 * import passes them.
 */

/** Bytes per spooled chunk: large enough for few round trips, small enough to read one at a time. */
export const SPOOL_CHUNK_BYTES = 1024 * 1024;

/** An import's state. */
export type ImportStatus = 'running' | 'done' | 'failed';

/** Row counts of an import. */
export interface ImportCounts {
  read: number;
  registered: number;
  unchanged: number;
  refused: number;
}

/** What an import is and how far it has got. */
export interface ImportState {
  id: string;
  status: ImportStatus;
  format: 'csv' | 'ndjson';
  /** The caller's organisation; absent for an admin's import. */
  org?: string;
  actor: string;
  /** CSV: the header's column names, and the column map as JSON. */
  header?: string[];
  columns?: string;
  /** CSV: the raw header line, the first line of the refused rows' file. */
  headerRaw?: Buffer;
  /** Size of the uploaded file in bytes. */
  bytes: number;
  /** Byte offset up to which every row is handled and counted. */
  offset: number;
  /** Line number at `offset`. */
  line: number;
  rows: ImportCounts;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  attempt: number;
}

/** What a new import is. */
export interface NewImport {
  format: 'csv' | 'ndjson';
  org?: string;
  actor: string;
  header?: { names: string[]; raw: Buffer; end: number; nextLine: number };
  columns?: string;
}

/** One batch's progress, committed atomically. */
export interface ImportCommit {
  offset: number;
  line: number;
  counts: ImportCounts;
  /** Row errors as JSON-ready objects. */
  errors: readonly unknown[];
  /** Refused rows' bytes. */
  refused: readonly Buffer[];
  /** Spool chunks the offset has passed, to drop now. */
  passedChunks: readonly number[];
}

/** Imports in Redis; see the module comment. */
export interface Imports {
  /** A fresh import ID (`im_...`). */
  newId(): string;
  /** Stores one chunk of an upload not yet started; an abandoned upload expires in a day. */
  spoolChunk(id: string, index: number, bytes: Buffer): Promise<void>;
  /** Records an uploaded import as running. */
  start(id: string, spec: NewImport, bytes: number): Promise<void>;
  /** Removes every key of an import (an upload refused half way, nothing partial left). */
  discard(id: string): Promise<void>;
  get(id: string): Promise<ImportState | null>;
  /** The spooled chunk `index`, or null when it is gone. */
  chunk(id: string, index: number): Promise<Buffer | null>;
  /** Counts an attempt at running the import; answers its number (1 the first time). */
  attempt(id: string): Promise<number>;
  /**
   * Adds a batch's counts, errors and refused rows and moves the offset, all at once, and drops passed
   * chunks; only while `attempt` is the latest attempt and the import runs. Answers false, having written
   * nothing, when a later attempt has taken the import over (this one lost its worker's lock).
   */
  commit(id: string, attempt: number, commit: ImportCommit): Promise<boolean>;
  /**
   * Marks a running import done or failed and drops what is left of its spool; with `attempt`, only while
   * that is the latest attempt. Answers whether it did.
   */
  finish(
    id: string,
    status: 'done' | 'failed',
    options?: { error?: string; attempt?: number },
  ): Promise<boolean>;
  /** A page of the import's row errors, in file order. */
  errors(id: string, page: { offset: number; limit: number }): Promise<unknown[]>;
  /** The refused rows' bytes, a page at a time, in file order. */
  refusedRows(id: string, pageSize?: number): AsyncGenerator<Buffer, void, undefined>;
}

/** The imports part of the store over `keys`. */
export function createImports(redis: RedisClient, keys: StoreKeys): Imports {
  return {
    newId: () => `im_${newDiamondId().slice(3)}`,
    async spoolChunk(id, index, bytes) {
      const key = keys.importSpool(id);
      await redis
        .multi()
        .hset(key, String(index), bytes)
        .expire(key, 24 * 3600)
        .exec();
    },
    async start(id, spec, bytes) {
      const fields: Record<string, string | Buffer | number> = {
        id,
        status: 'running',
        format: spec.format,
        actor: assertSafeText(spec.actor, 'actor'),
        bytes,
        offset: spec.header?.end ?? 0,
        line: spec.header?.nextLine ?? 1,
        read: 0,
        registered: 0,
        unchanged: 0,
        refused: 0,
        attempt: 0,
        startedAt: new Date().toISOString(),
      };
      if (spec.org !== undefined) fields.org = spec.org;
      if (spec.header) {
        fields.header = JSON.stringify(spec.header.names);
        fields.headerRaw = spec.header.raw;
      }
      if (spec.columns !== undefined) fields.columns = spec.columns;
      await redis
        .multi()
        .hset(keys.importRun(id), fields)
        .persist(keys.importSpool(id))
        .zadd(keys.importRuns, Date.now(), id)
        .exec();
    },
    async discard(id) {
      await redis
        .multi()
        .del(keys.importRun(id), keys.importSpool(id), keys.importErrors(id), keys.importRefused(id))
        .zrem(keys.importRuns, id)
        .exec();
    },
    async get(id) {
      assertOpaqueId(id, 'import id');
      const fields = await redis.hgetallBuffer(keys.importRun(id));
      if (Object.keys(fields).length === 0) return null;
      return parseState(keys.importRun(id), fields);
    },
    async chunk(id, index) {
      return redis.hgetBuffer(keys.importSpool(id), String(index));
    },
    async attempt(id) {
      return redis.hincrby(keys.importRun(id), 'attempt', 1);
    },
    async commit(id, attempt, { offset, line, counts, errors, refused, passedChunks }) {
      const reply = await redis.eval(
        COMMIT_LUA,
        4,
        keys.importRun(id),
        keys.importErrors(id),
        keys.importRefused(id),
        keys.importSpool(id),
        attempt,
        offset,
        line,
        counts.read,
        counts.registered,
        counts.unchanged,
        counts.refused,
        errors.length,
        refused.length,
        passedChunks.length,
        ...errors.map((error) => JSON.stringify(error)),
        ...refused,
        // Chunks wholly behind the offset will not be read again, even by a resumed run.
        ...passedChunks.map(String),
      );
      return reply === 1;
    },
    async finish(id, status, { error, attempt } = {}) {
      const reply = await redis.eval(
        FINISH_LUA,
        2,
        keys.importRun(id),
        keys.importSpool(id),
        attempt ?? '',
        status,
        new Date().toISOString(),
        error === undefined ? '' : error.slice(0, 2000),
      );
      return reply === 1;
    },
    async errors(id, { offset, limit }) {
      const key = keys.importErrors(id);
      const items = await redis.lrange(key, offset, offset + limit - 1);
      return items.map((json) => parseJson(key, json));
    },
    async *refusedRows(id, pageSize = 500) {
      const key = keys.importRefused(id);
      for (let start = 0; ; start += pageSize) {
        const rows = await redis.lrangeBuffer(key, start, start + pageSize - 1);
        yield* rows;
        if (rows.length < pageSize) return;
      }
    },
  };
}

// KEYS: run, errors, refused, spool. ARGV: attempt, offset, line, the four counts, how many errors,
// refused rows and passed chunks, then those. The attempt fences off a runner that lost its lock.
const COMMIT_LUA = `
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'running' then
  return 0
end
redis.call('HSET', KEYS[1], 'offset', ARGV[2], 'line', ARGV[3])
local names = { 'read', 'registered', 'unchanged', 'refused' }
for i = 1, 4 do
  local n = tonumber(ARGV[3 + i])
  if n > 0 then redis.call('HINCRBY', KEYS[1], names[i], n) end
end
local a = 11
for i = 1, tonumber(ARGV[8]) do redis.call('RPUSH', KEYS[2], ARGV[a]); a = a + 1 end
for i = 1, tonumber(ARGV[9]) do redis.call('RPUSH', KEYS[3], ARGV[a]); a = a + 1 end
for i = 1, tonumber(ARGV[10]) do redis.call('HDEL', KEYS[4], ARGV[a]); a = a + 1 end
return 1
`;

// KEYS: run, spool. ARGV: attempt ('' for any), status, finishedAt, error ('' for none).
const FINISH_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finishedAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) end
redis.call('DEL', KEYS[2])
return 1
`;

function parseState(key: string, fields: Record<string, Buffer>): ImportState {
  const text = (name: string): string | undefined => fields[name]?.toString('utf8');
  const number = (name: string): number => Number(text(name) ?? 0);
  const state: ImportState = {
    id: text('id') ?? '',
    status: (text('status') ?? 'failed') as ImportStatus,
    format: text('format') === 'ndjson' ? 'ndjson' : 'csv',
    actor: text('actor') ?? '',
    bytes: number('bytes'),
    offset: number('offset'),
    line: number('line') || 1,
    rows: {
      read: number('read'),
      registered: number('registered'),
      unchanged: number('unchanged'),
      refused: number('refused'),
    },
    startedAt: text('startedAt') ?? '',
    attempt: number('attempt'),
  };
  const org = text('org');
  if (org !== undefined) state.org = org;
  const header = text('header');
  if (header !== undefined) state.header = parseJson(`${key} header`, header) as string[];
  if (fields.headerRaw !== undefined) state.headerRaw = fields.headerRaw;
  const columns = text('columns');
  if (columns !== undefined) state.columns = columns;
  const finishedAt = text('finishedAt');
  if (finishedAt !== undefined) state.finishedAt = finishedAt;
  const error = text('error');
  if (error !== undefined) state.error = error;
  return state;
}
