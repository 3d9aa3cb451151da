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
export const CLUSTER_SLOTS = 16_384;

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

const spreadTags = new Map<string, string>();

/**
 * The hash tag text of part `part` of `parts` (a store shard, `kind` `s`, or a queue partition, `p`) of
 * the bridge whose tag is `tag`: `<tag>-<kind><part>`, with `.<n>` added where needed so the tag hashes
 * into the part's own 1/`parts` of the slot range. The masters of a cluster hold contiguous, near-equal
 * slot ranges (as `redis-cli --cluster create` and `rebalance` leave them), so the parts spread over
 * them as evenly as their count allows, whatever the bridge's tag: left to chance, 12 partitions over
 * three masters land 6/4/2 as easily as 4/4/4.
 */
export function spreadTag(tag: string, kind: 's' | 'p', part: number, parts: number): string {
  const memo = `${tag}|${kind}|${part}|${parts}`;
  const known = spreadTags.get(memo);
  if (known !== undefined) return known;
  const from = Math.floor((part * CLUSTER_SLOTS) / parts);
  const to = Math.floor(((part + 1) * CLUSTER_SLOTS) / parts);
  const base = `${tag}-${kind}${part}`;
  let found = base;
  for (let n = 0; tagSlot(found) < from || tagSlot(found) >= to; n++) found = `${base}.${n}`;
  spreadTags.set(memo, found);
  return found;
}
