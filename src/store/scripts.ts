import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { AUDIT_TRIM_LUA } from './audit.js';
import { groupIdentifierNames, orgScopedIdentifierNames } from '../mapping/identifiers.js';
import { FENCE_LUA } from './fence.js';
import { IDENTIFIER_NAMES } from './keys.js';

/** A connected ioredis client: a single server, or a cluster (every store key shares one hash slot). */
export type RedisClient = Redis | Cluster;

/** A Lua script and its SHA-1, run by {@link runScript}. */
export interface StoreScript {
  readonly source: string;
  readonly sha: string;
}

function defineScript(source: string): StoreScript {
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

// Shared Lua: append one audit entry to the global stream and, under the same entry ID, to the stone's
// stream (answering that ID), then trim both by the retention (store/audit.ts). The global ID is above
// every ID the stone's stream holds, since each of those is also a global one; only a stone stream that
// outlived a deleted global stream can refuse it, and then gets an ID of its own. `appendAudit` leaves the
// trims to its caller: a batch trims the global stream once, and a new stone's one-entry stream not at all.
const AUDIT_LUA = `${AUDIT_TRIM_LUA}
local function appendAudit(stoneKey, globalKey, entry)
  local id = redis.call('XADD', globalKey, '*', unpack(entry))
  local same = redis.pcall('XADD', stoneKey, id, unpack(entry))
  if type(same) == 'table' and same.err then redis.call('XADD', stoneKey, '*', unpack(entry)) end
  return id
end
local function audit(stoneKey, globalKey, retention, entry)
  trimAudit(stoneKey, globalKey, appendAudit(stoneKey, globalKey, entry), retention)
end
`;

const NAMES_LUA = `{${IDENTIFIER_NAMES.map((name) => `'${name}'`).join(', ')}}`;
const GROUPS_LUA = `{${groupIdentifierNames.map((name) => `${name} = true`).join(', ')}}`;
const SCOPED_LUA = `{${orgScopedIdentifierNames.map((name) => `'${name}'`).join(', ')}}`;

/**
 * Saves a batch of stones, all or nothing, and optionally advances a change-feed cursor in the same step.
 *
 * With a sync intent asked for, each stone whose content changes also gets its intent (the outbox): a
 * `syncIntent` field on its record, `{hash, except?}`, and its ID in the pending index scored by `atMs`,
 * in the same atomic step, so no stored change can be left without a record that it must be synced.
 *
 * A save made under a lease (fence.ts) is refused, with nothing written, unless the lease still holds.
 *
 * KEYS: members, auditLog, cursors, one identifier index per IDENTIFIER_NAMES entry, the old hash of each
 * ORG_SCOPED_NAMES entry, then per stone its diamond hash and its audit stream, then the pending sync
 * intents index, then the fence's lease key when the save is fenced.
 * ARGV: at, actor, action, platform, audit retention, cursorAdapter, cursor, count, intent ('1' to record
 * one, else ''), intent's excepted platform ('' for none), atMs, the fence's holder ('' for none), then per
 * stone: id, expectedVersion, hash, record JSON, detail JSON, one value per identifier name ('' when
 * absent; `<value>\n<owner.org>` for one unique within an organisation), number of sources, then
 * (platform, source JSON) pairs.
 *
 * Replies {'ok', outcome, version, ...} per stone, or {'version', id, expected, actual}, or
 * {'identifier', name, value, ownerId, id}, or {'fenced'} having written nothing. A group identifier
 * (`kpCertificate`) is shared by its parcel: never a conflict, indexed as `<value>\n<id>` in its sorted set.
 * One unique within an organisation (`producerRef`) conflicts only within the stone's organisation, and
 * never for a stone that already held it (it passes to another organisation with its stone), indexed
 * as `<value>\n<org>\n<id>`; its entry in the old hash (written before identifiers were kept per
 * organisation) is released when the stone changes. The old hash is not checked here: the store checks
 * it before the save, and no entry is ever added to it.
 */
export const saveScript = defineScript(`${AUDIT_LUA}${FENCE_LUA}
local NAMES = ${NAMES_LUA}
local GROUPS = ${GROUPS_LUA}
local NI = #NAMES
local IDENT_FIELDS = {}
for j = 1, NI do IDENT_FIELDS[j] = 'ident:' .. NAMES[j] end
local SCOPED = {}
local LEGACY = {}
for s, name in ipairs(${SCOPED_LUA}) do SCOPED[name] = true; LEGACY[name] = KEYS[3 + NI + s] end
local B = 3 + NI + #${SCOPED_LUA}
local count = tonumber(ARGV[8])
local INTENTS = KEYS[B + 1 + 2 * count]
if ARGV[12] ~= '' and not fenceHolds(KEYS[B + 2 + 2 * count], ARGV[12]) then return { 'fenced' } end
local stones = {}
local claimed = {}
local a = 12
for i = 1, count do
  local stone = { id = ARGV[a + 1], expected = ARGV[a + 2], hash = ARGV[a + 3], record = ARGV[a + 4],
    detail = ARGV[a + 5], identifiers = {}, sources = {},
    key = KEYS[B + 2 * i - 1], auditKey = KEYS[B + 2 * i] }
  for j = 1, NI do stone.identifiers[j] = ARGV[a + 5 + j] end
  a = a + 6 + NI
  local sourceCount = tonumber(ARGV[a])
  for s = 1, sourceCount do stone.sources[s] = { ARGV[a + 2 * s - 1], ARGV[a + 2 * s] } end
  a = a + 2 * sourceCount
  -- The stone's version, hash and indexed identifiers, in one read.
  local stored = redis.call('HMGET', stone.key, 'version', 'hash', unpack(IDENT_FIELDS))
  stone.old = {}
  for j = 1, NI do stone.old[j] = stored[2 + j] end
  stone.version = tonumber(stored[1]) or 0
  -- Same content: a re-delivered change is a no-op whatever version the sender last saw.
  stone.changed = stored[2] ~= stone.hash
  if stone.changed then
    if stone.expected ~= '' and tonumber(stone.expected) ~= stone.version then
      return { 'version', stone.id, stone.expected, tostring(stone.version) }
    end
    for j = 1, NI do
      local value = stone.identifiers[j]
      local kept = false
      if value ~= '' and SCOPED[NAMES[j]] then
        -- A stone that passes to another organisation brings the reference it held: a sale is a fact of
        -- the world, never refused because the buyer gave one of its own stones the same reference.
        local before = stone.old[j]
        kept = before and string.match(before, '^[^\\n]*') == string.match(value, '^[^\\n]*')
      end
      if value ~= '' and not GROUPS[NAMES[j]] and not kept then
        local mark = j .. ':' .. value
        local owner = claimed[mark]
        if owner == nil and SCOPED[NAMES[j]] then
          -- The value's holders in the stone's organisation: the members that start with value, org, newline.
          local held = redis.call('ZRANGEBYLEX', KEYS[3 + j], '[' .. value .. '\\n', '(' .. value .. '\\11',
            'LIMIT', 0, 2)
          for _, member in ipairs(held) do
            local id = string.sub(member, #value + 2)
            if id ~= stone.id then owner = id end
          end
        elseif owner == nil then
          owner = redis.call('HGET', KEYS[3 + j], value)
        end
        if owner and owner ~= stone.id then return { 'identifier', NAMES[j], value, owner, stone.id } end
        claimed[mark] = stone.id
      end
    end
  end
  stones[i] = stone
end

local reply = { 'ok' }
local lastAuditId = nil
for i = 1, count do
  local stone = stones[i]
  local outcome = 'unchanged'
  if stone.changed then
    outcome = stone.version == 0 and 'created' or 'updated'
    stone.version = stone.version + 1
    -- The stone's own fields are written in one HSET (and one HDEL), however many identifiers it has.
    local fields = { 'record', stone.record, 'version', stone.version, 'hash', stone.hash,
      'updatedAt', ARGV[1] }
    local dropped = {}
    for s = 1, #stone.sources do
      table.insert(fields, 'source:' .. stone.sources[s][1]); table.insert(fields, stone.sources[s][2])
    end
    for j = 1, NI do
      local field = IDENT_FIELDS[j]
      local old = stone.old[j]
      local value = stone.identifiers[j]
      if GROUPS[NAMES[j]] or SCOPED[NAMES[j]] then
        -- A stone leaves its old parcel (or organisation) and joins the new one; the other stones stay.
        if old and old ~= value then
          if not SCOPED[NAMES[j]] or string.find(old, '\\n', 1, true) then
            redis.call('ZREM', KEYS[3 + j], old .. '\\n' .. stone.id)
          elseif redis.call('HGET', LEGACY[NAMES[j]], old) == stone.id then
            redis.call('HDEL', LEGACY[NAMES[j]], old)
          end
        end
        if value ~= '' then redis.call('ZADD', KEYS[3 + j], 0, value .. '\\n' .. stone.id) end
      elseif old and old ~= value and redis.call('HGET', KEYS[3 + j], old) == stone.id then
        -- Release a corrected identifier, but only if this stone still holds it.
        redis.call('HDEL', KEYS[3 + j], old)
      end
      if value ~= '' then
        if not GROUPS[NAMES[j]] and not SCOPED[NAMES[j]] then redis.call('HSET', KEYS[3 + j], value, stone.id) end
        table.insert(fields, field); table.insert(fields, value)
      elseif old then
        table.insert(dropped, field)
      end
    end
    if ARGV[9] == '1' then
      -- The intent as JSON: the hash is hex and the platform a plain name, neither needs escaping.
      local intent = '{"hash":"' .. stone.hash .. '"'
      if ARGV[10] ~= '' then intent = intent .. ',"except":"' .. ARGV[10] .. '"' end
      table.insert(fields, 'syncIntent'); table.insert(fields, intent .. '}')
      redis.call('ZADD', INTENTS, ARGV[11], stone.id)
    end
    redis.call('HSET', stone.key, unpack(fields))
    if #dropped > 0 then redis.call('HDEL', stone.key, unpack(dropped)) end
    redis.call('ZADD', KEYS[1], 0, stone.id)
    local entry = { 'at', ARGV[1], 'actor', ARGV[2], 'action', ARGV[3], 'diamondId', stone.id,
      'version', tostring(stone.version), 'outcome', outcome }
    if ARGV[4] ~= '' then table.insert(entry, 'platform'); table.insert(entry, ARGV[4]) end
    if stone.detail ~= '' then table.insert(entry, 'detail'); table.insert(entry, stone.detail) end
    lastAuditId = appendAudit(stone.auditKey, KEYS[2], entry)
    if stone.version > 1 then trimAudit(stone.auditKey, nil, lastAuditId, ARGV[5]) end
  end
  table.insert(reply, outcome)
  table.insert(reply, stone.version)
end
if lastAuditId then trimAudit(nil, KEYS[2], lastAuditId, ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[6], ARGV[7]) end
return reply
`);

/**
 * Links a native ref to a stone both ways and, when given, records where the platform holds the stone
 * (`sources.<platform>`).
 *
 * A link made under a lease (fence.ts) is refused, with nothing written, unless the lease still holds.
 *
 * KEYS: diamond hash, platform refs, stone refs, auditLog, stone audit, then the fence's lease key when
 * the link is fenced.
 * ARGV: id, platform, ref, at, actor, action, audit retention, source JSON ('' for a bare link), the
 * fence's holder ('' for none).
 * Replies {'ok', 'linked'|'unchanged'}, {'unknown'}, {'identity', ownerId} or {'fenced'} having written
 * nothing.
 */
export const linkScript = defineScript(`${AUDIT_LUA}${FENCE_LUA}
local id, platform, ref, source = ARGV[1], ARGV[2], ARGV[3], ARGV[8]
if ARGV[9] ~= '' and not fenceHolds(KEYS[6], ARGV[9]) then return { 'fenced' } end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'unknown' } end
local owner = redis.call('HGET', KEYS[2], ref)
if owner and owner ~= id then return { 'identity', owner } end
local sourceField = 'source:' .. platform
local same = owner == id and redis.call('HGET', KEYS[3], platform) == ref
if source ~= '' then same = same and redis.call('HGET', KEYS[1], sourceField) == source end
if same then return { 'ok', 'unchanged' } end
-- A stone has one current ref per platform; an earlier one (a superseded report) still resolves to it.
redis.call('HSET', KEYS[2], ref, id)
redis.call('HSET', KEYS[3], platform, ref)
if source ~= '' then redis.call('HSET', KEYS[1], sourceField, source) end
audit(KEYS[5], KEYS[4], ARGV[7], { 'at', ARGV[4], 'actor', ARGV[5], 'action', ARGV[6], 'diamondId', id,
  'platform', platform, 'detail', cjson.encode({ ref = ref }) })
return { 'ok', 'linked' }
`);

/**
 * Finds the holders of many identifiers in one call: an import looks up every row of a batch at once.
 *
 * KEYS: the identifier indexes, in IDENTIFIER_NAMES order.
 * ARGV: per query the index's position in KEYS and what to find: for a global identifier its value (the
 * index is a hash), for one unique within an organisation `<value>\n<org>\n`, the start of its members
 * (`<value>\n<org>\n<bridge ID>`) in that index's sorted set. No value ends in a newline (identifiers
 * are trimmed), so the trailing one tells the two apart.
 * Replies each query's bridge ID, '' for none.
 */
export const findScript = defineScript(`
local found = {}
for i = 1, #ARGV, 2 do
  local key, text = KEYS[tonumber(ARGV[i])], ARGV[i + 1]
  local holder
  if string.sub(text, -1) == '\\n' then
    local member = redis.call('ZRANGEBYLEX', key, '[' .. text, '(' .. string.sub(text, 1, -2) .. '\\11',
      'LIMIT', 0, 1)[1]
    holder = member and string.sub(member, #text + 1)
  else
    holder = redis.call('HGET', key, text)
  end
  found[#found + 1] = holder or ''
end
return found
`);

/**
 * Clears sync intents whose jobs exist, each only while it is still the intent for the content given: a
 * newer save's intent stays for its own enqueue. An index entry whose stone has no intent is dropped.
 *
 * KEYS: the pending index, then per intent the stone's diamond hash.
 * ARGV: per intent its bridge ID and content hash.
 * Replies the number of intents cleared.
 */
export const clearIntentsScript = defineScript(`
local cleared = 0
for i = 2, #KEYS do
  local id, hash = ARGV[2 * i - 3], ARGV[2 * i - 2]
  local intent = redis.call('HGET', KEYS[i], 'syncIntent')
  if not intent then
    redis.call('ZREM', KEYS[1], id)
  elseif cjson.decode(intent).hash == hash then
    redis.call('HDEL', KEYS[i], 'syncIntent')
    redis.call('ZREM', KEYS[1], id)
    cleared = cleared + 1
  end
end
return cleared
`);
