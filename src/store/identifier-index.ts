/**
 * The identifier index on shards: who holds each identifier, kept right although an index entry and the
 * record that holds the value lie in different slots, which no one script may span.
 *
 * - **Claim first.** Before a save gives a stone a value it did not hold, it claims the value in the
 *   value's shard (`<bridge ID>\n<token>`, the token starting with the shard's clock in ms). A claim
 *   another stone holds refuses the value while it is fresh ({@link CLAIM_TTL_MS}); once it is old, or
 *   when the index names a stone whose record does not hold the value (a crash left it), the claimant's
 *   record is read and the entry taken over only if the record does not hold it. The save refuses a claim
 *   older than {@link CLAIM_SAVE_LIMIT_MS}, so a claim taken over can never still be saved.
 * - **Release after.** A value a save drops is released once the record is stored, guarded by the token
 *   the record kept, so a late release never removes the stone's newer claim on the same value; the save
 *   records what it owes (`indexIntent`), and the repair sweep finishes what a crash interrupted.
 * - **Read through the record.** Every holder an index names is checked against its record before it is
 *   answered: an entry claimed but not yet saved, or dropped but not yet released, is never an answer.
 */
import { randomBytes } from 'node:crypto';
import { IdentifierConflictError } from './errors.js';
import type { IdentifierName, StoreKeys } from './keys.js';
import {
  CLAIM_TTL_MS,
  identifierKind,
  perShard,
  pipelined,
  runScript,
  defineScript,
  type IdentifierKind,
  type RedisClient,
  type StoreScript,
} from './scripts.js';

/** A value a stone is to hold: `field` as its index keeps it, `value` the identifier alone. */
export interface IndexEntry {
  name: IdentifierName;
  kind: IdentifierKind;
  /** `<value>` (kinds g, p, l) or `<value>\n<org>` (s, k): what the index lists before the bridge ID. */
  field: string;
  value: string;
  id: string;
}

/** An entry to release, with the token of the claim it was held under ('' when it had none). */
export interface Release extends IndexEntry {
  token: string;
}

/** One identifier look-up: the stones an index names for a value, before they are checked. */
export interface Lookup {
  name: IdentifierName;
  value: string;
  /** `<value>` (global), or `<value>\n<org>\n` for the holders in one organisation, `<value>\n` in all. */
  prefix: string;
  /** How many holders to list at most (1 for a global identifier). */
  limit: number;
  /** List only the holders after this bridge ID (a parcel's pages). */
  after?: string;
}

/** What a look-up found: the holders whose records hold the value, and how far the index was listed. */
export interface Found {
  holders: string[];
  /** The last bridge ID the index listed, checked or not; null when it listed none. */
  last: string | null;
  /** How many the index listed. */
  listed: number;
}

/** How long past a claim's life a save waits for it, and how often it asks again meanwhile. */
const CLAIM_WAIT_SLACK_MS = 2_000;
const CLAIM_POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A save could not claim a stone's value in time: another save of the same stone holds it, or a claim
 * under way never ended. Read again.
 */
export class ClaimBusyError extends Error {
  override readonly name = 'ClaimBusyError';
  constructor(readonly diamondId: string) {
    super(`[tracebridge] [store] another save of ${diamondId} is under way`);
  }
}

// Claims values in one shard. ARGV per ask: kind, index key, claims key (positions in KEYS), field, id,
// the holders found stale (comma-separated), a nonce. Replies per ask 'ok:<token>', 'held:<id>' (a
// fresh claim of another stone), 'busy' (a fresh claim of the same stone) or 'check:<id>' (a holder whose
// record must be read before the entry may be taken over).
const claimScript = defineScript(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local reply = {}
for q = 1, #ARGV, 7 do
  local kind, index, claims = ARGV[q], KEYS[tonumber(ARGV[q + 1])], KEYS[tonumber(ARGV[q + 2])]
  local field, id, stale, nonce = ARGV[q + 3], ARGV[q + 4], ',' .. ARGV[q + 5] .. ',', ARGV[q + 6]
  -- A parcel's value is shared: each stone's claim on it is its own.
  local claimField = kind == 'p' and field .. '\\n' .. id or field
  local answer
  if kind == 'k' then
    redis.call('ZADD', index, 0, field .. '\\n' .. id)
    answer = 'ok:'
  else
    local current = redis.call('HGET', claims, claimField)
    if current then
      local holder, token = string.match(current, '^([^\\n]*)\\n?(.*)$')
      local ms = tonumber(string.match(token, '^(%d+)'))
      local fresh = ms ~= nil and now - ms < ${CLAIM_TTL_MS}
      if holder == id then
        if fresh then answer = 'busy' end
      elseif fresh then
        answer = 'held:' .. holder
      elseif not string.find(stale, ',' .. holder .. ',', 1, true) then
        answer = 'check:' .. holder
      end
    end
    if not answer and kind == 's' then
      local members = redis.call('ZRANGEBYLEX', index, '[' .. field .. '\\n', '(' .. field .. '\\11',
        'LIMIT', 0, 16)
      for _, member in ipairs(members) do
        local holder = string.sub(member, #field + 2)
        if not answer and holder ~= id and not string.find(stale, ',' .. holder .. ',', 1, true) then
          answer = 'check:' .. holder
        end
      end
    end
    if not answer then
      if kind == 's' then
        for holder in string.gmatch(ARGV[q + 5], '[^,]+') do redis.call('ZREM', index, field .. '\\n' .. holder) end
      end
      local token = now .. '-' .. nonce
      redis.call('HSET', claims, claimField, id .. '\\n' .. token)
      if kind ~= 'g' then redis.call('ZADD', index, 0, field .. '\\n' .. id) end
      answer = 'ok:' .. token
    end
  end
  reply[#reply + 1] = answer
end
return reply
`);

// Releases entries in one shard, each only while it is still the one its token names. ARGV per entry:
// kind, index key, claims key (positions in KEYS), field, id, token.
const releaseScript = defineScript(`
for q = 1, #ARGV, 6 do
  local kind, index, claims = ARGV[q], KEYS[tonumber(ARGV[q + 1])], KEYS[tonumber(ARGV[q + 2])]
  local field, id, token = ARGV[q + 3], ARGV[q + 4], ARGV[q + 5]
  local claimField = kind == 'p' and field .. '\\n' .. id or field
  if kind == 'g' or kind == 'l' then
    local current = redis.call('HGET', index, field)
    if current == id or (token ~= '' and current == id .. '\\n' .. token) then redis.call('HDEL', index, field) end
  else
    local current = redis.call('HGET', claims, claimField)
    if current and current == id .. '\\n' .. token then
      redis.call('HDEL', claims, claimField)
      redis.call('ZREM', index, field .. '\\n' .. id)
    elseif not current or string.match(current, '^[^\\n]*') ~= id then
      redis.call('ZREM', index, field .. '\\n' .. id)
    end
  end
end
return 1
`);

// Lists the holders an index names. ARGV: the prefix of the records' keys when they lie in the index's own
// slot (a store of one shard, where reading them here saves the look-up a round trip), else ''; then per look-up: index key position, prefix, limit, the bridge ID
// to list after ('' from the start), the identifier's name. A global identifier's index is a hash of
// value -> '<id>' or '<id>\n<token>'; the others list '<field>\n<id>'. Replies per look-up a flat list of
// (field, bridge ID, whether its record holds the field: '1', '0', or '' when not read here) triples.
const findScript = defineScript(`
local records = ARGV[1]
local found = {}
for q = 2, #ARGV, 5 do
  local index, prefix, limit, after = KEYS[tonumber(ARGV[q])], ARGV[q + 1], tonumber(ARGV[q + 2]), ARGV[q + 3]
  local name = ARGV[q + 4]
  local listed = {}
  if string.sub(prefix, -1) ~= '\\n' then
    local current = redis.call('HGET', index, prefix)
    if current then listed = { prefix, string.match(current, '^[^\\n]*') } end
  else
    local from = after == '' and '[' .. prefix or '(' .. prefix .. after
    local members = redis.call('ZRANGEBYLEX', index, from, '(' .. string.sub(prefix, 1, -2) .. '\\11',
      'LIMIT', 0, limit)
    for _, member in ipairs(members) do
      local field, id = string.match(member, '^(.*)\\n([^\\n]*)$')
      listed[#listed + 1] = field
      listed[#listed + 1] = id
    end
  end
  local holders = {}
  for i = 1, #listed, 2 do
    local held = ''
    if records ~= '' then
      held = redis.call('HGET', records .. 'diamond:' .. listed[i + 1], 'ident:' .. name) == listed[i] and '1' or '0'
    end
    holders[#holders + 1] = listed[i]
    holders[#holders + 1] = listed[i + 1]
    holders[#holders + 1] = held
  end
  found[#found + 1] = holders
end
return found
`);

/** The identifier index over `keys`. */
export interface IdentifierIndex {
  /**
   * Claims every entry, answering each one's token ('' for a kept reference), or releases what it
   * claimed and throws {@link IdentifierConflictError} naming a value another stone's record holds. A
   * claim under way is waited for; one that outlives {@link CLAIM_TTL_MS} is taken over, or when the same
   * stone holds it, {@link ClaimBusyError} is thrown.
   */
  claim(entries: readonly IndexEntry[]): Promise<string[]>;
  /** Releases entries, each only while its token still names it; safe to repeat. */
  release(entries: readonly Release[]): Promise<void>;
  /** The holders each look-up names whose records hold the value, in the order the index lists them. */
  find(lookups: readonly Lookup[]): Promise<Found[]>;
}

/** The identifier index over `keys`. */
export function createIdentifierIndex(redis: RedisClient, keys: StoreKeys): IdentifierIndex {
  // The keys an entry's script names: its index and its claims (one hash for a global identifier), or the
  // index an earlier version kept.
  const keysOf = (entry: IndexEntry): [string, string] => {
    if (entry.kind === 'l') return [keys.legacyIdentifier(entry.name), keys.legacyIdentifier(entry.name)];
    const index = keys.identifier(entry.name, entry.value);
    return [index, entry.kind === 'g' ? index : keys.identifierClaims(entry.name, entry.value)];
  };
  // Legacy entries all lie under the base tag: shard -1 keeps them in a group of their own.
  const shardOf = (entry: IndexEntry) => (entry.kind === 'l' ? -1 : keys.valueShardOf(entry.value));

  // One script call per shard, its arguments a run of `width` per entry after the entry's two keys.
  const perEntry = <T extends IndexEntry>(
    entries: readonly T[],
    script: StoreScript,
    rest: (entry: T) => string[],
  ): Promise<unknown[]> =>
    perShard(entries, shardOf, async (group) => {
      const scriptKeys: string[] = [];
      const position = (key: string) => {
        const at = scriptKeys.indexOf(key);
        return String(at >= 0 ? at + 1 : scriptKeys.push(key));
      };
      const args = group.flatMap((entry) => {
        const [index, claims] = keysOf(entry);
        return [entry.kind, position(index), position(claims), entry.field, entry.id, ...rest(entry)];
      });
      const reply = await runScript(redis, script, scriptKeys, args);
      return Array.isArray(reply) ? (reply as unknown[]) : group.map(() => reply);
    });

  // Whether each stone's record holds the entry's field: its `ident:<name>` is the value, with the
  // organisation for one unique within an organisation.
  const holds = async (checks: readonly { id: string; entry: IndexEntry }[]): Promise<boolean[]> =>
    perShard(
      checks,
      ({ id }) => keys.shardOf(id),
      async (group) => {
        const replies = await pipelined(redis, group, (pipeline, { id, entry }) =>
          pipeline.hget(keys.diamond(id), `ident:${entry.name}`),
        );
        return replies.map((stored, i) => {
          const { entry } = group[i]!;
          return stored === entry.field;
        });
      },
    );

  const release = async (entries: readonly Release[]): Promise<void> => {
    if (entries.length > 0) await perEntry(entries, releaseScript, (entry) => [entry.token]);
  };

  return {
    release,
    async claim(entries) {
      // Two stones of one batch asking for one value: the first keeps it, and nothing is claimed.
      const first = new Map<string, IndexEntry>();
      for (const entry of entries) {
        if (entry.kind !== 'g' && entry.kind !== 's') continue;
        const mark = `${entry.name}\n${entry.field}`;
        const holder = first.get(mark);
        if (holder && holder.id !== entry.id) throw conflict(entry, holder.id);
        first.set(mark, entry);
      }
      const tokens: (string | undefined)[] = entries.map(() => undefined);
      const stale: string[][] = entries.map(() => []);
      const nonce = randomBytes(6).toString('base64url');
      // A fresh claim whose holder's record does not hold the value yet is a save under way (or one that
      // died): waited for until it is saved (a conflict) or old enough to take over.
      const deadline = Date.now() + CLAIM_TTL_MS + CLAIM_WAIT_SLACK_MS;
      for (;;) {
        const open = entries.flatMap((entry, i) => (tokens[i] === undefined ? [{ ...entry, i }] : []));
        if (open.length === 0) return tokens as string[];
        const replies = (await perEntry(open, claimScript, ({ i }) => [
          stale[i]!.join(','),
          nonce,
        ])) as string[];
        // Every holder named is read: a fresh claim of the same stone ('busy') names the stone itself.
        const checks: { id: string; entry: IndexEntry; i: number; fresh: boolean }[] = [];
        replies.forEach((reply, k) => {
          const entry = open[k]!;
          if (reply.startsWith('ok:')) tokens[entry.i] = reply.slice(3);
          else if (reply === 'busy') checks.push({ id: entry.id, entry, i: entry.i, fresh: true });
          else {
            const fresh = reply.startsWith('held:');
            checks.push({ id: reply.slice(fresh ? 5 : 6), entry, i: entry.i, fresh });
          }
        });
        const held = await holds(checks);
        // Held by the stone itself: another save of it stored the value since this one read it.
        const reread = checks.find(({ id, entry }, k) => held[k] && id === entry.id);
        const taken = checks.find(({ id, entry }, k) => held[k] && id !== entry.id);
        let waiting: IndexEntry | undefined;
        checks.forEach(({ id, entry, i, fresh }, k) => {
          if (held[k]) return;
          if (fresh) waiting ??= entry;
          else stale[i]!.push(id);
        });
        if (taken || reread || (waiting && Date.now() > deadline)) {
          await release(claimed(entries, tokens));
          if (taken) throw conflict(taken.entry, taken.id);
          throw new ClaimBusyError((reread?.entry ?? waiting)!.id);
        }
        if (waiting) await sleep(CLAIM_POLL_MS);
      }
    },
    async find(lookups) {
      if (lookups.length === 0) return [];
      // With one shard the records lie in the index's slot: the script reads them in the same call.
      const records = keys.shards === 1 ? keys.shardPrefix(0) : '';
      const named = await perShard<Lookup, string[]>(
        lookups,
        (lookup) => keys.valueShardOf(lookup.value),
        async (group) => {
          const scriptKeys: string[] = [];
          const args = group.flatMap((lookup) => {
            const key = keys.identifier(lookup.name, lookup.value);
            const at = scriptKeys.indexOf(key);
            return [
              String(at >= 0 ? at + 1 : scriptKeys.push(key)),
              lookup.prefix,
              String(lookup.limit),
              lookup.after ?? '',
              lookup.name,
            ];
          });
          return (await runScript(redis, findScript, scriptKeys, [records, ...args])) as string[][];
        },
      );
      // Each holder's record must hold the field its entry names (an organisation's value with its org).
      const listed = lookups.map((lookup, q) => {
        const triples = named[q]!;
        const kind = identifierKind(lookup.name);
        return Array.from({ length: triples.length / 3 }, (_, k) => {
          const [field, id, held] = [triples[3 * k]!, triples[3 * k + 1]!, triples[3 * k + 2]!];
          return { id, held, entry: { name: lookup.name, kind, field, value: lookup.value, id } };
        });
      });
      const unread = listed.flat().filter(({ held }) => held === '');
      const read = await holds(unread);
      unread.forEach((holder, k) => {
        holder.held = read[k] ? '1' : '0';
      });
      const found: Found[] = listed.map((holders) => ({
        holders: holders.flatMap(({ id, held }) => (held === '1' ? [id] : [])),
        last: holders.at(-1)?.id ?? null,
        listed: holders.length,
      }));
      return found;
    },
  };
}

function claimed(entries: readonly IndexEntry[], tokens: readonly (string | undefined)[]): Release[] {
  return entries.flatMap((entry, i) => {
    const token = tokens[i];
    if (token === undefined) return [];
    // A kept reference was listed with no claim: released as an organisation's entry without a token.
    return [{ ...entry, kind: entry.kind === 'k' ? ('s' as const) : entry.kind, token }];
  });
}

function conflict(entry: IndexEntry, holder: string): IdentifierConflictError {
  return new IdentifierConflictError(entry.name, entry.value, holder, entry.id);
}
