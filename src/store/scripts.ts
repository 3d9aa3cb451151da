import { createHash } from 'node:crypto';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { AUDIT_LUA } from './audit-lua.js';
import { isGroupIdentifier, isOrgScopedIdentifier, type IdentifierName } from '../mapping/identifiers.js';
import { FENCE_LUA } from './fence.js';
import { IDENTIFIER_NAMES, type StoreKeys } from './keys.js';

/** A connected ioredis client: a single server, or a cluster (every store key shares one hash slot). */
export type RedisClient = Redis | Cluster;

/** A Lua script and its SHA-1, run by {@link runScript}. */
export interface StoreScript {
  readonly source: string;
  readonly sha: string;
}

export function defineScript(source: string): StoreScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs a script in one round trip by its SHA, loading it with EVAL only when the server has not seen it
 * (a fresh server, a restart, SCRIPT FLUSH). Scripts run atomically: no other client sees half a save.
 */
export async function runScript(
  redis: RedisClient,
  script: StoreScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * Runs `run` once per shard on the items that lie in it, side by side, and answers each item's result in
 * the order given. A script or pipeline may touch one shard only, since on a cluster each shard is a slot
 * of its own; with one shard it is one call for all.
 */
export async function perShard<T, R>(
  items: readonly T[],
  shardOf: (item: T) => number,
  run: (group: T[], shard: number) => Promise<readonly R[]>,
): Promise<R[]> {
  const groups = new Map<number, { items: T[]; at: number[] }>();
  items.forEach((item, at) => {
    const shard = shardOf(item);
    const group = groups.get(shard) ?? { items: [], at: [] };
    if (group.items.length === 0) groups.set(shard, group);
    group.items.push(item);
    group.at.push(at);
  });
  const results: R[] = new Array<R>(items.length);
  await Promise.all(
    [...groups].map(async ([shard, group]) => {
      const replies = await run(group.items, shard);
      group.at.forEach((at, k) => {
        results[at] = replies[k]!;
      });
    }),
  );
  return results;
}

/**
 * Runs `script` once per call, every call in one pipeline: one round trip for a batch, while each call
 * stays its own atomic step on one stone. The calls' keys must lie in one slot (a pipeline on a cluster
 * goes to one node). A server that has not seen the script answers NOSCRIPT to every call, having run
 * none: the first call is then run with EVAL, which loads it there, and the rest pipelined again.
 */
export async function runScriptEach(
  redis: RedisClient,
  script: StoreScript,
  calls: readonly { keys: readonly string[]; args: readonly (string | number)[] }[],
): Promise<unknown[]> {
  const send = (list: typeof calls) =>
    pipelined(redis, list, (pipeline, { keys, args }) =>
      pipeline.evalsha(script.sha, keys.length, ...keys, ...args),
    );
  try {
    return await send(calls);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    const [first, ...rest] = calls;
    return [await runScript(redis, script, first!.keys, first!.args), ...(await send(rest))];
  }
}

/**
 * Runs a script that clears something a stone owes (clearIntentsScript, clearIndexIntentsScript) once per
 * stone, pipelined per shard. KEYS: the shard's set of stones owing it, the stone's hash; ARGV: the stone's
 * ID and what it owed. Answers each call's reply, in the order given.
 */
export function clearEach(
  redis: RedisClient,
  keys: StoreKeys,
  script: StoreScript,
  owingIn: (shard: number) => string,
  owed: readonly { id: string; owed: string }[],
): Promise<unknown[]> {
  return perShard(
    owed,
    ({ id }) => keys.shardOf(id),
    (group, shard) =>
      runScriptEach(
        redis,
        script,
        group.map(({ id, owed: what }) => ({ keys: [owingIn(shard), keys.diamond(id)], args: [id, what] })),
      ),
  );
}

/**
 * Up to `count` items read shard after shard from `first` on, each shard asked for what the page still
 * lacks. Shards that leave the page short are followed by twice as many read side by side, so a sparse
 * store of many shards costs a few round trips a page rather than one per shard, and a full one reads no
 * shard ahead.
 */
export async function inShardOrder<T>(
  shards: number,
  first: number,
  count: number,
  read: (shard: number, limit: number) => Promise<T[]>,
): Promise<T[]> {
  const items: T[] = [];
  let shard = first;
  for (let ahead = 1; items.length < count && shard < shards; ahead *= 2) {
    const limit = count - items.length;
    const window = Array.from({ length: Math.min(ahead, shards - shard) }, (_, k) => shard + k);
    for (const page of await Promise.all(window.map((each) => read(each, limit))))
      items.push(...page.slice(0, count - items.length));
    shard += window.length;
  }
  return items;
}

/**
 * Up to `count` members of a sorted set kept per shard (`setOf`) scored at or before `before`, with their
 * scores: oldest first within each shard, shard after shard, until the page is full.
 */
export function dueInShards(
  redis: RedisClient,
  shards: number,
  setOf: (shard: number) => string,
  before: number,
  count: number,
): Promise<{ id: string; since: number }[]> {
  return inShardOrder(shards, 0, count, async (shard, limit) => {
    const flat = await redis.zrangebyscore(setOf(shard), '-inf', before, 'WITHSCORES', 'LIMIT', 0, limit);
    const due: { id: string; since: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) due.push({ id: flat[i]!, since: Number(flat[i + 1]) });
    return due;
  });
}

/** How many members the sorted sets kept per shard (`setOf`) hold together, every shard asked at once. */
export async function countInShards(
  redis: RedisClient,
  shards: number,
  setOf: (shard: number) => string,
): Promise<number> {
  const counts = await Promise.all(Array.from({ length: shards }, (_, shard) => redis.zcard(setOf(shard))));
  return counts.reduce((sum, each) => sum + each, 0);
}

/** Queues one command per item on a pipeline and answers the replies in order, throwing the first error. */
export async function pipelined<T>(
  redis: RedisClient,
  items: readonly T[],
  queue: (pipeline: ChainableCommander, item: T) => unknown,
): Promise<unknown[]> {
  if (items.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const item of items) queue(pipeline, item);
  return ((await pipeline.exec()) ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/**
 * How an identifier is indexed: `g` unique across the bridge (a hash of value -> holder), `s` unique within
 * an organisation (`<value>\n<org>`), `p` shared by a parcel; `l` names the index an earlier version kept
 * of an organisation's identifier, and `k` a reference a stone brings to its new organisation.
 */
export type IdentifierKind = 'g' | 's' | 'p' | 'l' | 'k';

/** The kind of index `name` has. */
export function identifierKind(name: IdentifierName): 'g' | 's' | 'p' {
  return isGroupIdentifier(name) ? 'p' : isOrgScopedIdentifier(name) ? 's' : 'g';
}

const NAMES_LUA = `{${IDENTIFIER_NAMES.map((name) => `'${name}'`).join(', ')}}`;

/**
 * How long a claim on an identifier (store/identifier-index.ts) holds a value for the save that took it,
 * in ms. Another stone may take over a claim only after this, and only when the claimant's record does not
 * hold the value; the save itself is refused once the claim is {@link CLAIM_SAVE_LIMIT_MS} old (and made
 * again), so a save can never land on a value another stone has since taken, while the masters' clocks
 * agree within the 5 s between the two. A save takes milliseconds: the time is what a crashed save's
 * values stay blocked for.
 */
export const CLAIM_TTL_MS = 15_000;
/** The age past which a save refuses a claim it brought (see {@link CLAIM_TTL_MS}). */
export const CLAIM_SAVE_LIMIT_MS = 10_000;

/**
 * Saves one stone with the claims (store/identifier-index.ts) it took on the identifiers it newly holds.
 * A script never spans two stones: a batch is one call per stone, pipelined per shard.
 *
 * With a sync intent asked for, a stone whose content changes also gets its intent (the outbox): a
 * `syncIntent` field on its record, `{hash, except?}`, and its ID in the shard's pending index scored by
 * `atMs`, in the same atomic step, so no stored change can be left without a record that it must be synced.
 * An identifier the stone no longer holds is released from its index after the save, by whoever saved it
 * or, after a crash, by the repair sweep: the save records what to release as the stone's `indexIntent`
 * (a JSON list of [name, kind, field, token], appended to one still pending) and lists the stone in the
 * shard's index-intent set.
 *
 * A save made under a lease (fence.ts) is refused, with nothing written, unless the lease still holds.
 *
 * KEYS: the shard's members, audit stream, pending sync intents and pending index intents, the stone's
 * diamond hash and its audit stream, then the fence's lease key when the save is fenced.
 * ARGV: at, actor, action, platform, audit retention, intent ('1' to record one, else ''), intent's
 * excepted platform ('' for none), atMs, the fence's holder ('' for none), then the stone's id,
 * expectedVersion, the hash its caller saw stored ('' for none), hash, record JSON, detail JSON, the number
 * of identifiers it holds and for each its position in IDENTIFIER_NAMES (from 1), its value
 * (`<value>\n<owner.org>` for one unique within an organisation) and the token of the claim taken on it
 * ('' for none), then the number of sources and (platform, source JSON) pairs.
 *
 * Replies {'ok', outcome, version, index intent ('' for none)}, or {'version', id, expected, actual},
 * {'stale', id} (the stone changed since its caller read it, or a new value came without a claim: read
 * again and claim again), {'claim', id} (a claim is too old to trust), or {'fenced'}, having written
 * nothing.
 */
export const saveScript = defineScript(`${AUDIT_LUA}${FENCE_LUA}
local NAMES = ${NAMES_LUA}
local NI = #NAMES
local KINDS = {${IDENTIFIER_NAMES.map((name) => `'${identifierKind(name)}'`).join(', ')}}
if ARGV[9] ~= '' and not fenceHolds(KEYS[7], ARGV[9]) then return { 'fenced' } end
local id, expected, seen, hash = ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local values, tokens = {}, {}
for j = 1, NI do values[j] = ''; tokens[j] = '' end
local a = 17
for _ = 1, tonumber(ARGV[16]) do
  local j = tonumber(ARGV[a]); values[j] = ARGV[a + 1]; tokens[j] = ARGV[a + 2]; a = a + 3
end
-- The stone's version, hash, identifiers and their claims, in one read.
local READ = { 'version', 'hash' }
for j = 1, NI do READ[2 + j] = 'ident:' .. NAMES[j]; READ[2 + NI + j] = 'claim:' .. NAMES[j] end
local stored = redis.call('HMGET', KEYS[5], unpack(READ))
local version = tonumber(stored[1]) or 0
-- Same content: a re-delivered change is a no-op whatever version the sender last saw.
if stored[2] == hash then return { 'ok', 'unchanged', version, '' } end
if expected ~= '' and tonumber(expected) ~= version then
  return { 'version', id, expected, tostring(version) }
end
if (stored[2] or '') ~= seen then return { 'stale', id } end
local old, oldTokens = {}, {}
local now
for j = 1, NI do
  old[j], oldTokens[j] = stored[2 + j] or '', stored[2 + NI + j] or ''
  local value, token = values[j], tokens[j]
  -- A stone that passes to another organisation keeps its reference there without a claim.
  local kept = KINDS[j] == 's' and old[j] ~= '' and string.match(old[j], '^[^\\n]*') == string.match(value, '^[^\\n]*')
  if value ~= '' and value ~= old[j] and token == '' and not kept then return { 'stale', id } end
  local ms = tonumber(string.match(token, '^(%d+)'))
  if ms then
    if not now then
      local clock = redis.call('TIME')
      now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
    end
    if now - ms > ${CLAIM_SAVE_LIMIT_MS} then return { 'claim', id } end
  end
end

local outcome = version == 0 and 'created' or 'updated'
version = version + 1
-- The stone's own fields are written in one HSET (and one HDEL), however many identifiers it has.
local fields = { 'record', ARGV[14], 'version', version, 'hash', hash, 'updatedAt', ARGV[1] }
for s = 1, tonumber(ARGV[a]) do
  table.insert(fields, 'source:' .. ARGV[a + 2 * s - 1]); table.insert(fields, ARGV[a + 2 * s])
end
local dropped = {}
local releases = {}
for j = 1, NI do
  local value, token = values[j], tokens[j]
  if old[j] ~= '' and old[j] ~= value then
    local kind = KINDS[j]
    -- A value an earlier version indexed before identifiers were kept per organisation has no org.
    if kind == 's' and not string.find(old[j], '\\n', 1, true) then kind = 'l' end
    table.insert(releases, { NAMES[j], kind, old[j], oldTokens[j] })
  end
  if value ~= '' then
    table.insert(fields, 'ident:' .. NAMES[j]); table.insert(fields, value)
    if token ~= '' then table.insert(fields, 'claim:' .. NAMES[j]); table.insert(fields, token)
    elseif value ~= old[j] and oldTokens[j] ~= '' then table.insert(dropped, 'claim:' .. NAMES[j]) end
  elseif old[j] ~= '' then
    table.insert(dropped, 'ident:' .. NAMES[j])
    if oldTokens[j] ~= '' then table.insert(dropped, 'claim:' .. NAMES[j]) end
  end
end
local intentJson = ''
if #releases > 0 then
  -- Releases still pending from an earlier save go first: they run in the order they were owed.
  local pending = redis.call('HGET', KEYS[5], 'indexIntent')
  if pending then
    local earlier = cjson.decode(pending)
    for r = 1, #releases do table.insert(earlier, releases[r]) end
    releases = earlier
  end
  intentJson = cjson.encode(releases)
  table.insert(fields, 'indexIntent'); table.insert(fields, intentJson)
  redis.call('ZADD', KEYS[4], ARGV[8], id)
end
if ARGV[6] == '1' then
  -- The intent as JSON: the hash is hex and the platform a plain name, neither needs escaping.
  local intent = '{"hash":"' .. hash .. '"'
  if ARGV[7] ~= '' then intent = intent .. ',"except":"' .. ARGV[7] .. '"' end
  table.insert(fields, 'syncIntent'); table.insert(fields, intent .. '}')
  redis.call('ZADD', KEYS[3], ARGV[8], id)
end
redis.call('HSET', KEYS[5], unpack(fields))
if #dropped > 0 then redis.call('HDEL', KEYS[5], unpack(dropped)) end
if version == 1 then redis.call('ZADD', KEYS[1], 0, id) end
local entry = { 'at', ARGV[1], 'actor', ARGV[2], 'action', ARGV[3], 'diamondId', id,
  'version', tostring(version), 'outcome', outcome }
if ARGV[4] ~= '' then table.insert(entry, 'platform'); table.insert(entry, ARGV[4]) end
if ARGV[15] ~= '' then table.insert(entry, 'detail'); table.insert(entry, ARGV[15]) end
local auditId = appendAudit(KEYS[6], KEYS[2], entry)
-- A new stone's one-entry stream needs no trim.
trimAudit(version > 1 and KEYS[6] or nil, KEYS[2], auditId, ARGV[5])
return { 'ok', outcome, version, intentJson }
`);

/**
 * Appends one audit entry to a stone's stream and its shard's, and trims both.
 *
 * KEYS: the shard's audit stream, the stone's. ARGV: audit retention, then the entry's field-value pairs.
 */
export const appendAuditScript = defineScript(`${AUDIT_LUA}
audit(KEYS[2], KEYS[1], ARGV[1], { select(2, unpack(ARGV)) })
return 1
`);

/**
 * Claims a platform's native ref for a stone, for good: the first stone to hold a ref keeps it, and a ref
 * it held before (a superseded report) still resolves to it. Taken before the stone's side of the link
 * (linkScript), which lies in another shard.
 *
 * KEYS: the platform's refs index for the ref's shard. ARGV: ref, id.
 * Replies {'ok'} or {'identity', ownerId}.
 */
export const claimRefScript = defineScript(`
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] then return { 'identity', owner } end
if not owner then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return { 'ok' }
`);

/**
 * The stone's side of a link: records the stone's current ref on a platform and, when given, where the
 * platform holds it (`sources.<platform>`). The ref is claimed first (claimRefScript).
 *
 * A link made under a lease (fence.ts) is refused, with nothing written, unless the lease still holds.
 *
 * KEYS: diamond hash, stone refs, shard audit, stone audit, then the fence's lease key when fenced.
 * ARGV: id, platform, ref, at, actor, action, audit retention, source JSON ('' for a bare link), the
 * fence's holder ('' for none).
 * Replies {'ok', 'linked'|'unchanged'}, {'unknown'} or {'fenced'} having written nothing.
 */
export const linkScript = defineScript(`${AUDIT_LUA}${FENCE_LUA}
local id, platform, ref, source = ARGV[1], ARGV[2], ARGV[3], ARGV[8]
if ARGV[9] ~= '' and not fenceHolds(KEYS[5], ARGV[9]) then return { 'fenced' } end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'unknown' } end
local sourceField = 'source:' .. platform
local same = redis.call('HGET', KEYS[2], platform) == ref
if source ~= '' then same = same and redis.call('HGET', KEYS[1], sourceField) == source end
if same then return { 'ok', 'unchanged' } end
redis.call('HSET', KEYS[2], platform, ref)
if source ~= '' then redis.call('HSET', KEYS[1], sourceField, source) end
audit(KEYS[4], KEYS[3], ARGV[7], { 'at', ARGV[4], 'actor', ARGV[5], 'action', ARGV[6], 'diamondId', id,
  'platform', platform, 'detail', cjson.encode({ ref = ref }) })
return { 'ok', 'linked' }
`);

/**
 * Clears a stone's index intent once its releases are done, only while it is still the intent given: a
 * newer save's intent stays for its own releases. A stone listed without an intent is dropped from the set.
 *
 * KEYS: the shard's index-intent set, the stone's diamond hash. ARGV: the stone's ID, the intent JSON
 * released. Replies 1 when it cleared the intent, else 0.
 */
export const clearIndexIntentsScript = defineScript(`
local intent = redis.call('HGET', KEYS[2], 'indexIntent')
if intent and intent ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
if not intent then return 0 end
redis.call('HDEL', KEYS[2], 'indexIntent')
return 1
`);

/**
 * Clears a stone's sync intent once its jobs exist, only while it is still the intent for the content
 * given: a newer save's intent stays for its own enqueue. A stone listed without an intent is dropped from
 * the pending index.
 *
 * KEYS: the shard's pending index, the stone's diamond hash. ARGV: the stone's ID, the content hash.
 * Replies 1 when it cleared the intent, else 0.
 */
export const clearIntentsScript = defineScript(`
local intent = redis.call('HGET', KEYS[2], 'syncIntent')
if intent and cjson.decode(intent).hash ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
if not intent then return 0 end
redis.call('HDEL', KEYS[2], 'syncIntent')
return 1
`);
