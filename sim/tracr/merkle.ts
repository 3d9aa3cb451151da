import { createHash } from 'node:crypto';
import { canonicalJson } from './crypto.js';

/** One step of an inclusion proof: the sibling hash and which side of the running hash it sits on. */
export interface ProofStep {
  position: 'left' | 'right';
  hash: string;
}

// RFC 6962 domain separation: a leaf can never be passed off as an interior node, or the reverse.
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** The leaf hash of a committed transaction: sha256(0x00 || UTF-8 canonical JSON of `{tx, signature, result}`). */
export function leafHash(entry: { tx: unknown; signature: string; result: unknown }): string {
  return createHash('sha256').update(LEAF_PREFIX).update(canonicalJson(entry), 'utf8').digest('hex');
}

/** An interior node: sha256(0x01 || left bytes || right bytes). */
export function nodeHash(left: string, right: string): string {
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(Buffer.from(left, 'hex'))
    .update(Buffer.from(right, 'hex'))
    .digest('hex');
}

/** The root of an empty block. */
export const EMPTY_ROOT = '0'.repeat(64);

/**
 * The levels of each frozen leaf list's tree: a committed block's leaves are frozen, and every read of a
 * stone proves its transaction against them, so the tree is built once per block, not once per read.
 */
const treeOf = new WeakMap<readonly string[], readonly string[][]>();

/** Every level of the tree, leaves first. A node without a partner moves up a level unchanged. */
function levels(leaves: readonly string[]): readonly string[][] {
  const known = treeOf.get(leaves);
  if (known) return known;
  const all = [leaves.slice()];
  for (let level = all[0]!; level.length > 1;) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? level[i]! : nodeHash(level[i]!, right));
    }
    all.push(next);
    level = next;
  }
  if (Object.isFrozen(leaves)) treeOf.set(leaves, all);
  return all;
}

/** The Merkle root over leaf hashes in block order. */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  return levels(leaves).at(-1)![0]!;
}

/** The sibling path from leaf `index` up to the root. */
export function merklePath(leaves: readonly string[], index: number): ProofStep[] {
  const path: ProofStep[] = [];
  let position = index;
  for (const level of levels(leaves).slice(0, -1)) {
    const isRight = position % 2 === 1;
    const sibling = level[isRight ? position - 1 : position + 1];
    if (sibling !== undefined) path.push({ position: isRight ? 'left' : 'right', hash: sibling });
    position = Math.floor(position / 2);
  }
  return path;
}
