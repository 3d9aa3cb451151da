import { randomFillSync } from 'node:crypto';

// Crockford's base 32: no I, L, O or U, so an ID read aloud or copied by hand survives.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new bridge ID: `tb_` and a ULID (48 bits of milliseconds, then 80 random bits, in Crockford base 32).
 * IDs sort by the time they were assigned, so the membership index pages through stones in the order
 * they were registered.
 */
export function newDiamondId(now: number = Date.now()): string {
  let time = '';
  for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) {
    time = ALPHABET.charAt(rest % 32) + time;
  }
  let random = '';
  for (const byte of randomPart()) random += ALPHABET.charAt(byte % 32);
  return `tb_${time}${random}`;
}

// Random bytes are drawn a pool at a time: one call into the system's generator per 256 IDs rather than
// one per ID, which an import of a hundred thousand stones would otherwise feel.
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

function randomPart(): Buffer {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}
