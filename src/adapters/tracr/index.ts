/**
 * The Tracr-style permissioned ledger (DESIGN.md section 2; wire contract in sim/tracr/README.md).
 */
import { defineAdapter } from '../define.js';
import { connectTracr, tracrSigners, type TracrOptions } from './client.js';
import type { TracrDiamond } from './native.js';
import { fromCanonical, readNative, toCanonical } from './transform.js';

export type { LedgerSigners } from './acts.js';
export type { TracrOptions } from './client.js';
export type { Signer } from './signing.js';
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
    // Custody is not among them: events and owners are what participants signed, read from the ledger. Each
    // act is signed by the participant of the organisation that performs it (acts.ts): polished attributes
    // need the holder's manufacturer key, gradings a lab's; an act no signer may take is not permitted.
    writes: ['identifiers', 'origin', 'rough', 'grading'],
  },
  // The ledger is the record of who held the stone, and of the origin the producer declared and signed.
  authoritative: ['custody', 'origin'],
  toCanonical,
  fromCanonical,
  readNative,
  // Each read from TRACEBRIDGE_TRACR_<OPTION>; the older TRACR_* names still work. The signers come from
  // the participants registry (TRACEBRIDGE_ORGS), with participantId and privateKey as the shorthand.
  options: {
    type: 'object',
    properties: {
      url: {
        type: 'string',
        pattern: '^https?://',
        default: 'http://127.0.0.1:4101',
        aliases: ['TRACR_URL'],
        description: "The ledger's base URL",
      },
      apiKey: {
        type: 'string',
        default: 'tracr-sandbox-key',
        aliases: ['TRACR_API_KEY', 'TRACR_SIM_KEY'],
        description: "The ledger's API key, sent bare in Authorization",
      },
      participantId: {
        type: 'string',
        minLength: 1,
        aliases: ['TRACR_PARTICIPANT_ID'],
        description:
          'The participant that signs for every organisation without a tracr entry in TRACEBRIDGE_ORGS',
      },
      privateKey: {
        type: 'string',
        minLength: 1,
        aliases: ['TRACR_PRIVATE_KEY'],
        description: "That participant's Ed25519 key: PEM, base64 PKCS#8, or a 64-hex seed",
      },
      blockWaitMs: {
        type: 'integer',
        minimum: 1,
        default: 30_000,
        description: 'How long a write waits for its block before it fails as retryable, in milliseconds',
      },
      pageSize: {
        type: 'integer',
        minimum: 1,
        maximum: 500,
        default: 100,
        description: 'Stones per change-feed page',
      },
    },
  },
  unavailable: (options) =>
    tracrSigners(options) === undefined
      ? 'a ledger key is needed to sign transactions: TRACEBRIDGE_ORGS tracr.privateKey or privateKeyFile, or TRACR_PARTICIPANT_ID and TRACR_PRIVATE_KEY'
      : undefined,
  connect: connectTracr,
});

export default tracrAdapter;
