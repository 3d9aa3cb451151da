/**
 * Where the bridge's keys land: a stone's shard and queue partition chosen from its bridge ID, and the
 * hash tags of the shards and partitions chosen so that they spread evenly over a Redis Cluster's masters.
 */

/**
 * FNV-1a (32-bit) over a string's UTF-16 code units: how the bridge places a stone in a store shard and a
 * queue partition. Stable across processes and Node versions, cheap, and it spreads IDs that differ only
 * in their last characters, which bridge IDs minted in a row do.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** How many hash slots a Redis Cluster has. */
const CLUSTER_SLOTS = 16_384;

const CRC16_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** The Redis Cluster slot of a hash tag's text: CRC16 (XMODEM) of its UTF-8 bytes, mod 16384. */
export function tagSlot(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8'))
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % CLUSTER_SLOTS;
}

/**
 * The Redis Cluster slot of a key, as the cluster computes it: the slot of its hash tag (the text between
 * the first `{` and the first `}` after it, when not empty), else of the whole key. Computed here, so
 * asking where a key lives costs no round trip.
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return tagSlot(close > open + 1 ? key.slice(open + 1, close) : key);
}

const spreadTags = new Map<string, string>();

// The golden ratio's fractional part: the points (k + 1) * GOLDEN mod 1 fill [0, 1) evenly for any count
// of them taken from the start, each new one falling in the largest gap left.
const GOLDEN = (Math.sqrt(5) - 1) / 2;
// How close to its point a part's tag must hash: far less than the slots any master serves.
const SLOT_WINDOW = 64;

/**
 * The hash tag text of part `part` (a store shard, `kind` `s`, or a queue partition, `p`) of the bridge
 * whose tag is `tag`: `<tag>-<kind><part>`, with `.<n>` added where needed so that the tag hashes to
 * within a few slots of the part's own point on the slot ring, `(part + 1) * 0.618...` of the way round.
 * The first N points are spread evenly for any N, so the first N parts spread over a cluster's masters
 * (which hold contiguous, near-equal slot ranges, as `redis-cli --cluster create` and `rebalance` leave
 * them) as evenly as N allows, whatever the bridge's tag: left to chance, 12 partitions over three masters
 * land 6/4/2 as easily as 4/4/4. A part's tag does not depend on how many parts there are, so changing the
 * count moves only what changes part.
 */
export function spreadTag(tag: string, kind: 's' | 'p', part: number): string {
  const memo = `${tag}|${kind}|${part}`;
  const known = spreadTags.get(memo);
  if (known !== undefined) return known;
  const from = Math.floor((((part + 1) * GOLDEN) % 1) * CLUSTER_SLOTS);
  const near = (candidate: string) =>
    (tagSlot(candidate) - from + CLUSTER_SLOTS) % CLUSTER_SLOTS < SLOT_WINDOW;
  const base = `${tag}-${kind}${part}`;
  let found = base;
  for (let n = 0; !near(found); n++) found = `${base}.${n}`;
  spreadTags.set(memo, found);
  return found;
}

/**
 * The key prefix of part `part` (see {@link spreadTag}) of the bridge whose prefix is `prefix`
 * (`{tracebridge}:` -> `{tracebridge-s17.3}:`): the part's tag in place of the bridge's, the rest kept.
 */
export function spreadPrefix(prefix: string, kind: 's' | 'p', part: number): string {
  const close = prefix.indexOf('}');
  return `{${spreadTag(prefix.slice(1, close), kind, part)}${prefix.slice(close)}`;
}
