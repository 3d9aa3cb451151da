/**
 * Proofs that what the ledger served is what its chain commits to. Pure: the client fetches the signer's
 * key and the chain's block hash, these functions do the arithmetic and name the first check that fails.
 */
import { canonicalJson, sha256Hex } from '../../mapping/content-hash.js';
import type {
  ServedDiamond,
  TracrBlockHeader,
  TracrInclusionProof,
  TracrTransaction,
  TracrTxResult,
} from './native.js';
import { sha256Bytes, signatureValid, transactionId } from './signing.js';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** The leaf of a committed transaction: sha256(0x00 || canonical({tx, signature, result})). */
export function leafHash(entry: { tx: unknown; signature: string; result: TracrTxResult }): string {
  return sha256Bytes(LEAF, Buffer.from(canonicalJson(entry), 'utf8'));
}

/** Walks a Merkle path from the leaf (RFC 6962 nodes over raw 32-byte hashes) and answers the root it reaches. */
export function rootFromPath(proof: Pick<TracrInclusionProof, 'leaf' | 'path'>): string {
  let hash = proof.leaf;
  for (const step of proof.path) {
    const [left, right] = step.position === 'left' ? [step.hash, hash] : [hash, step.hash];
    hash = sha256Bytes(NODE, Buffer.from(left, 'hex'), Buffer.from(right, 'hex'));
  }
  return hash;
}

/** A block's hash recomputed from its header. */
export function blockHash(header: Omit<TracrBlockHeader, 'hash'>): string {
  const { height, merkleRoot, prevHash, timestamp } = header;
  return sha256Hex({ height, merkleRoot, prevHash, timestamp });
}

/**
 * Checks that a committed transaction sits in block `block` (whose hash the chain itself reported as
 * `chainBlockHash`): its ID, its leaf, the path to the block's Merkle root, and the block's hash.
 */
export function inclusionProblem(
  committed: { txId: string; tx: TracrTransaction; signature: string; result: TracrTxResult },
  proof: TracrInclusionProof,
  block: Omit<TracrBlockHeader, 'hash'> & { hash: string },
  chainBlockHash: string,
): string | null {
  if (transactionId(committed.tx) !== committed.txId || proof.txId !== committed.txId)
    return `the proof is not for transaction ${committed.txId}`;
  const { tx, signature, result } = committed;
  if (leafHash({ tx, signature, result }) !== proof.leaf) return 'the leaf does not match the transaction';
  if (rootFromPath(proof) !== proof.merkleRoot) return 'the Merkle path does not reach merkleRoot';
  if (proof.merkleRoot !== block.merkleRoot || proof.blockHeight !== block.height)
    return `merkleRoot is not the root of block ${proof.blockHeight}`;
  if (blockHash(block) !== block.hash || block.hash !== chainBlockHash)
    return `block ${block.height} does not hash to the chain's block hash`;
  return null;
}

/**
 * Checks a served stone against the chain (sim/tracr/README.md, "Verifying a read"): its state hash, that
 * its last transaction committed that hash, the signer's signature, the Merkle path, and the block hash the
 * chain reports for that height. Answers null when every check passes, else the first that failed.
 */
export function stoneProblem(
  served: ServedDiamond,
  signerKey: string,
  chainBlockHash: string,
): string | null {
  const { proof, ...state } = served;
  if (!proof) return 'the ledger served no proof';
  if (sha256Hex({ ...state, stateHash: undefined }) !== served.stateHash)
    return 'stateHash does not match the served state';
  const listed = proof.result.states.find((entry) => entry.diamondId === served.diamondId);
  if (listed?.stateHash !== served.stateHash) return 'the last transaction did not commit this state';
  if (served.lastTxId !== proof.txId) return 'the proof is not for lastTxId';
  if (!signatureValid(proof.tx, proof.signature, signerKey))
    return `the signature by ${proof.tx.participantId} does not verify`;
  if (served.updatedAtHeight !== proof.block.height) return 'updatedAtHeight is not the proof block';
  return inclusionProblem(
    { txId: served.lastTxId, tx: proof.tx, signature: proof.signature, result: proof.result },
    proof,
    proof.block,
    chainBlockHash,
  );
}
