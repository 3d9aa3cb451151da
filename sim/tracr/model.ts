/** Tracr diamond IDs: `TRACR-` and 12 uppercase hex digits (GIA reports carry them in `associated_references`). */
export const TRACR_DIAMOND_ID = /^TRACR-[0-9A-F]{12}$/;

/** What a participant does on the network; it decides which transactions it may sign. */
export type ParticipantRole = 'producer' | 'manufacturer' | 'lab' | 'retailer';

/** An organisation admitted to the permissioned network by its operator. */
export interface Participant {
  participantId: string;
  org: string;
  role: ParticipantRole;
  /** Ed25519 public key, SPKI DER in standard base64. */
  publicKey: string;
  /** Only approved participants may submit transactions. */
  approved: boolean;
}

/** Every kind of change the ledger accepts. */
export const TRANSACTION_TYPES = [
  'REGISTER_ROUGH',
  'SPLIT',
  'POLISH',
  'GRADE',
  'INSCRIBE',
  'SELL',
  'TRANSFER',
  'UPDATE',
] as const;

/** One of {@link TRANSACTION_TYPES}. */
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** The signed part of a transaction. */
export interface Transaction {
  type: TransactionType;
  participantId: string;
  /** Client-chosen; the same (participantId, nonce) is one write however often it is sent. */
  nonce: string;
  /** Epoch milliseconds, set by the client. */
  timestamp: number;
  payload: Record<string, unknown>;
}

/** A transaction as submitted: the signed body plus off-chain data that only the node keeps. */
export interface SignedTransaction {
  tx: Transaction;
  /** Ed25519 over canonicalJson(tx), standard base64. */
  signature: string;
  /** Plain values behind private hashes; checked against the hash, never published. */
  privateData?: { price?: PriceData };
}

/** A price as hashed into `priceHash`: sha256 hex of canonicalJson({amount, currency, salt}). */
export interface PriceData {
  amount: number;
  currency: string;
  salt: string;
}

/** How far the network vouches for a stone: registered by an approved producer, or also graded by a lab. */
export type Assurance = 'ASSURED' | 'ASSURED_AND_CERTIFIED';

/** Attributes a manufacturer declares when a stone is polished (Tracr-native vocabulary). */
export interface PolishedAttributes {
  shape: string;
  caratWeight: number;
  /** D to Z; absent for fancy colours. */
  colour?: string;
  fancyColour?: { intensity: string; hue: string };
  clarity: string;
  /** Graded for round brilliants only. */
  cut?: string;
  polish: string;
  symmetry: string;
  fluorescence: { intensity: string; colour?: string };
  /** For rounds, length is the largest diameter and width the smallest. */
  measurements: { lengthMm: number; widthMm: number; depthMm: number };
}

/** A lab's grading of the stone. */
export interface Grading {
  lab: string;
  reportNumber: string;
  /** YYYY-MM-DD. */
  reportDate: string;
  reportType?: string;
}

/** One entry of a stone's history. */
export interface DiamondEvent {
  type: 'registered' | 'sold' | 'transferred' | 'split' | 'polished' | 'graded' | 'inscribed' | 'updated';
  /** The transaction's timestamp, epoch ms. */
  at: number;
  txId: string;
  participantId: string;
  [detail: string]: unknown;
}

/** A stone as the ledger holds it after its last committed transaction. */
export interface DiamondState {
  diamondId: string;
  kind: 'ROUGH' | 'POLISHED';
  parentId: string | null;
  childIds: string[];
  owner: { participantId: string; org: string };
  assurance: Assurance;
  /** ISO 3166-1 alpha-2, or AGGREGATED for a parcel mixed from several countries. */
  sourceCountry: string;
  mine: string | null;
  producerRef: string | null;
  kpCertificate: string | null;
  /** The registrant's own reference for the stone, as given at registration; absent when none was. */
  externalRef?: string;
  boxId: string | null;
  /** Rough weight as registered or planned in a split, carats to 3 decimals. */
  caratWeight: number;
  polished: PolishedAttributes | null;
  inscription: string | null;
  grading: Grading | null;
  events: DiamondEvent[];
  privateFields: { price?: { hash: string } };
  lastTxId: string;
  /** sha256 hex of canonicalJson of this object without `stateHash`; part of lastTxId's leaf. */
  stateHash: string;
  updatedAtHeight: number;
}

/** A block as served: the header fields plus the transactions it commits. */
export interface Block {
  height: number;
  /** sha256 hex of canonicalJson({height, merkleRoot, prevHash, timestamp}). */
  hash: string;
  prevHash: string;
  merkleRoot: string;
  timestamp: number;
  txIds: string[];
}

/** What a committed transaction did: the state hash of every stone it changed, the main stone first. */
export interface TransactionResult {
  states: { diamondId: string; stateHash: string }[];
}

/** A refusal the client can act on: HTTP status, a stable code, and the field at fault. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly value?: unknown,
  ) {
    super(message);
  }

  /** A 404 for a field whose value points at nothing. */
  static notFound(code: string, field: string, value: unknown): LedgerError {
    return new LedgerError(404, code, `${field}: nothing found for ${JSON.stringify(value)}`, field, value);
  }

  /** The JSON error body every route answers with. */
  toJSON(): { code: string; message: string; field?: string; value?: unknown } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.value === undefined ? {} : { value: this.value }),
    };
  }
}
