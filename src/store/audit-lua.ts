/**
 * The Lua every script that appends to the audit log shares (audit.ts has the retention it trims by).
 */

/**
 * Lua for scripts that append audit entries: `trimAudit(stoneKey, globalKey, id, retention)` trims both
 * streams (either may be nil: a batch trims the shard's one once) after an append whose shard entry ID is
 * `id` (its milliseconds date the age limit, so the script needs no clock), with `retention` from
 * `auditRetentionArg` (audit.ts).
 */
const AUDIT_TRIM_LUA = `
local function trimAuditStream(key, id, maxLen, maxAgeMs)
  if maxLen > 0 then redis.call('XTRIM', key, 'MAXLEN', '~', maxLen) end
  local ms = tonumber(string.match(id, '^(%d+)'))
  if maxAgeMs > 0 and ms and ms > maxAgeMs then
    redis.call('XTRIM', key, 'MINID', '~', string.format('%.0f', ms - maxAgeMs))
  end
end
local function trimAudit(stoneKey, globalKey, id, retention)
  local maxLen, stoneMaxLen, maxAgeMs = string.match(retention or '', '^(%d+) (%d+) (%d+)$')
  if not maxLen then return end
  if globalKey then trimAuditStream(globalKey, id, tonumber(maxLen), tonumber(maxAgeMs)) end
  if stoneKey then trimAuditStream(stoneKey, id, tonumber(stoneMaxLen), tonumber(maxAgeMs)) end
end
`;

/**
 * Lua: append one audit entry to the stream of the stone's shard (`globalKey`: with one shard, the
 * bridge's one stream) and, under the same entry ID, to the stone's stream (answering that ID), then trim
 * both by the retention (store/audit.ts). The shard's ID is above every ID the stone's stream holds, since
 * each of those is also one of the shard's; only a stone stream that outlived a deleted shard stream can
 * refuse it, and then gets an ID of its own. `appendAudit` leaves the trims to its caller: a batch trims
 * the shard's stream once, and a new stone's one-entry stream not at all.
 */
export const AUDIT_LUA = `${AUDIT_TRIM_LUA}
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
