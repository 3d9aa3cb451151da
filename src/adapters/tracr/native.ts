/**
 * The Tracr-style ledger's own shapes, as its wire API serves and accepts them (sim/tracr/README.md is the
 * contract): camelCase names, epoch-millisecond timestamps, carats to 3 decimals, upper-case vocabularies.
 */

/** `TRACR-` and 12 upper-case hex digits. */
export const TRACR_ID = /^TRACR-[0-9A-F]{12}$/;

/** Polished attributes in the ledger's vocabulary (`EMERALD`, `VERY_GOOD`, `FANCY_INTENSE`). */
export interface TracrPolished {
  shape: string;
  caratWeight: number;
  /** One letter D to Z; absent for fancy colours. */
  colour?: string;
  fancyColour?: { intensity: string; hue: string };
  clarity?: string;
  /** Graded for round brilliants only. */
  cut?: string;
  polish?: string;
  symmetry?: string;
  fluorescence?: { intensity: string; colour?: string };
  /** For rounds, length is the largest diameter and width the smallest. */
  measurements?: { lengthMm: number; widthMm: number; depthMm: number };
}

/** A lab's grading as the ledger holds it. */
export interface TracrGrading {
  lab: string;
  reportNumber: string;
  /** YYYY-MM-DD. */
  reportDate?: string;
  reportType?: string;
}

/** One entry of a stone's history: the transaction's timestamp, ID and signer, plus per-type details. */
export interface TracrEvent {
  type: string;
  /** Epoch milliseconds. */
  at: number;
  txId: string;
  participantId: string;
  [detail: string]: unknown;
}

/**
 * A stone as `GET /v1/diamonds/:id` serves it, without the `proof` the client checks and strips. Fields the
 * ledger assigns (IDs, hashes, heights, history) are optional because `fromCanonical` of a stone not yet on
 * the ledger cannot know them; a served stone always has them.
 */
export interface TracrDiamond {
  diamondId?: string;
  kind: 'ROUGH' | 'POLISHED';
  parentId?: string | null;
  childIds?: string[];
  owner?: { participantId?: string; org?: string };
  assurance?: string;
  /** ISO 3166-1 alpha-2 or `AGGREGATED`; absent only when a canonical record gives no origin. */
  sourceCountry?: string;
  mine: string | null;
  producerRef: string | null;
  kpCertificate: string | null;
  boxId: string | null;
  /** The registrant's own reference for the stone, given at registration (the bridge gives its bridge ID). */
  externalRef?: string;
  /** Rough weight as registered or planned in a split; absent only when a canonical record gives none. */
  caratWeight?: number;
  polished: TracrPolished | null;
  inscription: string | null;
  grading: TracrGrading | null;
  events?: TracrEvent[];
  privateFields?: { price?: { hash: string } };
  lastTxId?: string;
  stateHash?: string;
  updatedAtHeight?: number;
}

/** A transaction's signed body. */
export interface TracrTransaction {
  type: 'REGISTER_ROUGH' | 'SPLIT' | 'POLISH' | 'GRADE' | 'INSCRIBE' | 'SELL' | 'TRANSFER' | 'UPDATE';
  participantId: string;
  nonce: string;
  timestamp: number;
  payload: Record<string, unknown>;
}

/** A transaction as submitted. */
export interface TracrEnvelope {
  tx: TracrTransaction;
  /** Ed25519 over canonical(tx), standard base64. */
  signature: string;
}

/** What a submission answers, and `GET /v1/transactions/:txId` beside the signed body. */
export interface TracrTxStatus {
  txId: string;
  status: 'pending' | 'committed' | 'rejected';
  diamondId: string;
  diamondIds: string[];
  blockHeight?: number;
  duplicate?: true;
}

/** One step of a Merkle path. */
export interface TracrProofStep {
  position: 'left' | 'right';
  hash: string;
}

/** `GET /v1/transactions/:txId/proof`. */
export interface TracrInclusionProof {
  txId: string;
  leaf: string;
  leafIndex: number;
  blockHeight: number;
  merkleRoot: string;
  path: TracrProofStep[];
}

/** A block header as a stone's proof carries it. */
export interface TracrBlockHeader {
  height: number;
  hash: string;
  prevHash: string;
  merkleRoot: string;
  timestamp: number;
}

/** What a committed transaction did: each changed stone's state hash, the main stone first. */
export interface TracrTxResult {
  states: { diamondId: string; stateHash: string }[];
}

/** The verification material served beside a stone, for its `lastTxId`. */
export interface TracrStoneProof extends TracrInclusionProof {
  tx: TracrTransaction;
  signature: string;
  result: TracrTxResult;
  block: TracrBlockHeader;
}

/** A stone exactly as served, proof included. */
export type ServedDiamond = TracrDiamond & { proof: TracrStoneProof | null };
