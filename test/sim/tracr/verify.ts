import { createHash, createPublicKey, verify } from 'node:crypto';

// Written from sim/tracr/README.md alone, sharing no code with the simulator, so passing tests show that
// the documented algorithm is enough for a client to verify what the ledger serves.

/** Keys sorted recursively, no whitespace, undefined-valued keys dropped. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (...parts: (string | Buffer)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** One inclusion proof as served by `GET /v1/transactions/:txId/proof`. */
export interface ServedProof {
  leaf: string;
  merkleRoot: string;
  path: { position: 'left' | 'right'; hash: string }[];
}

/** Recomputes the Merkle root from a leaf and its path. */
export function verifyMerkleProof(proof: ServedProof): boolean {
  let hash = proof.leaf;
  for (const step of proof.path) {
    const [left, right] = step.position === 'left' ? [step.hash, hash] : [hash, step.hash];
    hash = sha256(Buffer.from([1]), Buffer.from(left, 'hex'), Buffer.from(right, 'hex'));
  }
  return hash === proof.merkleRoot;
}

/** The leaf hash of a committed transaction. */
export function leafOf(entry: { tx: unknown; signature: string; result: unknown }): string {
  return sha256(Buffer.from([0]), canonical(entry));
}

/** The hash of a block header. */
export function blockHashOf(block: {
  height: number;
  prevHash: string;
  merkleRoot: string;
  timestamp: number;
}): string {
  const { height, prevHash, merkleRoot, timestamp } = block;
  return sha256(canonical({ height, merkleRoot, prevHash, timestamp }));
}

/** What `GET /v1/diamonds/:id` serves beside the state, for verification. */
export interface ServedRecord {
  diamondId: string;
  stateHash: string;
  lastTxId: string;
  updatedAtHeight: number;
  proof: ServedProof & {
    txId: string;
    blockHeight: number;
    tx: { participantId: string };
    signature: string;
    result: { states: { diamondId: string; stateHash: string }[] };
    block: { height: number; hash: string; prevHash: string; merkleRoot: string; timestamp: number };
  };
  [field: string]: unknown;
}

/**
 * Proves a served stone is what the chain says, or names the first check that fails. `signerKey` is the
 * signer's published key (base64 SPKI DER); `chainBlockHash` is the hash of block `proof.blockHeight` as the
 * chain itself reports it.
 */
export function verifyRecord(record: ServedRecord, signerKey: string, chainBlockHash: string): string | null {
  const { proof, ...rest } = record;
  const state: Record<string, unknown> = { ...rest, stateHash: undefined };
  if (sha256(canonical(state)) !== record.stateHash) return 'stateHash does not match the state';
  const { tx, signature, result, block } = proof;
  if (sha256(canonical(tx)) !== record.lastTxId || proof.txId !== record.lastTxId)
    return 'proof is not for lastTxId';
  const listed = result.states.find((entry) => entry.diamondId === record.diamondId);
  if (listed?.stateHash !== record.stateHash) return 'stateHash is not in the transaction result';
  if (leafOf({ tx, signature, result }) !== proof.leaf) return 'leaf does not match the transaction';
  const key = createPublicKey({ key: Buffer.from(signerKey, 'base64'), format: 'der', type: 'spki' });
  if (!verify(null, Buffer.from(canonical(tx)), key, Buffer.from(signature, 'base64')))
    return 'signature is invalid';
  if (!verifyMerkleProof(proof)) return 'Merkle path does not reach merkleRoot';
  if (proof.merkleRoot !== block.merkleRoot || proof.blockHeight !== block.height)
    return 'proof is not for this block';
  if (record.updatedAtHeight !== block.height) return 'updatedAtHeight is not the proof block';
  if (blockHashOf(block) !== block.hash || block.hash !== chainBlockHash)
    return 'block hash does not match the chain';
  return null;
}
