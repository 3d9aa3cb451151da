/**
 * The Tracr-style permissioned ledger (DESIGN.md section 2; wire contract in sim/tracr/README.md).
 */
import { defineAdapter } from '../define.js';
import { connectTracr, type TracrOptions } from './client.js';
import type { TracrDiamond } from './native.js';
import { fromCanonical, readNative, toCanonical } from './transform.js';

export type { TracrOptions } from './client.js';
export type { TracrDiamond } from './native.js';

/** The most transactions one batch call carries, as the ledger declares in `GET /v1/network`. */
export const TRACR_MAX_BATCH = 100;

/** The Tracr adapter definition. */
export const tracrAdapter = defineAdapter<TracrDiamond, TracrOptions>({
  name: 'tracr',
  description:
    'A Tracr-style permissioned ledger: signed transactions, blocks with Merkle proofs, stone lineage',
  capabilities: {
    read: true,
    write: true,
    changeFeed: true,
    batchWriteSize: TRACR_MAX_BATCH,
    finality: 'block',
    // Custody is not among them: events and owners are what participants signed, read from the ledger, and
    // the bridge signs only as its own participant. Polished attributes need a manufacturer's key, gradings
    // a lab's; the ledger refuses other signers, and the refusal is final.
    writes: ['identifiers', 'origin', 'rough', 'grading'],
  },
  // The ledger is the record of who held the stone, and of the origin the producer declared and signed.
  authoritative: ['custody', 'origin'],
  toCanonical,
  fromCanonical,
  readNative,
  connect: connectTracr,
});

export default tracrAdapter;
