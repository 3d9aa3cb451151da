import type { KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex, verifyTransaction } from './crypto.js';
import { EMPTY_ROOT, leafHash, merklePath, merkleRoot, type ProofStep } from './merkle.js';
import {
  LedgerError,
  TRANSACTION_TYPES,
  type Block,
  type DiamondState,
  type Participant,
  type SignedTransaction,
  type TransactionResult,
} from './model.js';
import { execute } from './transitions.js';
import { record } from './validate.js';
import { readParticipant, readSubmission } from './bodies.js';

/** Where a committed transaction sits: enough to recompute its block's Merkle root from its leaf. */
export interface InclusionProof {
  txId: string;
  leaf: string;
  leafIndex: number;
  blockHeight: number;
  merkleRoot: string;
  path: ProofStep[];
}

/** A transaction's lifecycle as `GET /v1/transactions/:txId` serves it. */
export interface TransactionStatus {
  txId: string;
  status: 'pending' | 'committed' | 'rejected';
  /** The stone the transaction is about (created, for REGISTER_ROUGH); `diamondIds` lists every stone it changes. */
  diamondId: string;
  diamondIds: string[];
  blockHeight?: number;
}

/** What a submission answers: 202 for a new transaction, 200 with the original for a known nonce. */
export interface SubmitAnswer {
  httpStatus: 200 | 202;
  body: TransactionStatus & { duplicate?: true };
}

/** Settings of one ledger node. */
export interface LedgerOptions {
  /** Milliseconds between blocks; 0 commits each submission (or batch) in its own block before answering. */
  blockIntervalMs: number;
  /** Clock for block timestamps. */
  now: () => number;
}

interface TxRecord {
  txId: string;
  signed: SignedTransaction;
  status: TransactionStatus['status'];
  diamondIds: string[];
  /** States after this transaction while it is pending; handed to the committed view by its block. */
  snapshots: DiamondState[];
  blockHeight?: number;
  leafIndex?: number;
  result?: TransactionResult;
}

/** The header fields a block's hash covers. */
export type BlockHeader = Omit<Block, 'txIds'>;

/** The genesis block's timestamp: fixed, so every fresh node has the same genesis hash. */
export const GENESIS_TIMESTAMP = Date.UTC(2019, 0, 1);

/** sha256 hex of the canonical header {height, merkleRoot, prevHash, timestamp}. */
export function blockHash(header: Omit<BlockHeader, 'hash'>): string {
  const { height, merkleRoot, prevHash, timestamp } = header;
  return sha256Hex(canonicalJson({ height, merkleRoot, prevHash, timestamp }));
}

/** sha256 hex of a stone's canonical JSON without its `stateHash` (and without any served `proof`). */
export function stateHashOf(state: DiamondState): string {
  return sha256Hex(canonicalJson({ ...state, stateHash: undefined, proof: undefined }));
}

/**
 * One node of the permissioned ledger: participants, the pending pool, the block chain, and two views of
 * the stones: `working` (committed plus pending, which new transactions are checked against) and
 * `committed` (what reads serve: a write is visible only once in a block).
 */
export class TracrLedger {
  private participants = new Map<string, { participant: Participant; key: KeyObject }>();
  private committed = new Map<string, DiamondState>();
  private working = new Map<string, DiamondState>();
  private txs = new Map<string, TxRecord>();
  private nonces = new Map<string, string>();
  private pending: string[] = [];
  private chain: (Block & { leaves: string[] })[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly options: LedgerOptions) {
    this.clear();
  }

  /** Drops every transaction and stone and keeps only the genesis block; participants stay. */
  clear(): void {
    for (const map of [this.committed, this.working, this.txs, this.nonces]) map.clear();
    this.pending = [];
    const genesis = { height: 0, prevHash: EMPTY_ROOT, merkleRoot: EMPTY_ROOT, timestamp: GENESIS_TIMESTAMP };
    this.chain = [{ ...genesis, hash: blockHash(genesis), txIds: [], leaves: [] }];
  }

  /** Forgets every participant (a reset reseeds them). */
  clearParticipants(): void {
    this.participants.clear();
  }

  /** Starts cutting blocks on the configured interval (nothing to do for interval 0). */
  start(): void {
    if (this.options.blockIntervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.cutBlock(), this.options.blockIntervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Admits or updates a participant, as the network's operator does. Throws a 400 naming the bad field. */
  approve(input: unknown): { created: boolean; participant: Participant } {
    const member = readParticipant(input);
    const created = !this.participants.has(member.participant.participantId);
    this.participants.set(member.participant.participantId, member);
    return { created, participant: member.participant };
  }

  participant(participantId: string): Participant | undefined {
    return this.participants.get(participantId)?.participant;
  }

  /** Checks and queues one signed transaction; with interval 0 commits it before answering. */
  submit(body: unknown): SubmitAnswer {
    const answer = this.accept(body);
    if (this.options.blockIntervalMs === 0) this.cutBlock();
    return { ...answer, body: { ...answer.body, ...this.statusOf(answer.body.txId) } };
  }

  /** Submits each item in order; one refusal does not stop the rest. Interval 0 commits them as one block. */
  submitBatch(items: unknown[]): { status: number; body: unknown }[] {
    const answers = items.map((item) => {
      try {
        const answer = this.accept(item);
        return { status: answer.httpStatus, body: answer.body };
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        return { status: error.status, body: error.toJSON() };
      }
    });
    if (this.options.blockIntervalMs === 0) this.cutBlock();
    return answers.map((answer) => {
      const txId = (answer.body as Partial<TransactionStatus>).txId;
      return txId === undefined ? answer : { ...answer, body: { ...answer.body, ...this.statusOf(txId) } };
    });
  }

  /**
   * Verifies and queues a transaction without cutting a block. `diamondIds` overrides the IDs of the stones
   * it creates (the sample loader pins the IDs other platforms' samples refer to); the API never passes it.
   */
  accept(body: unknown, diamondIds: string[] = []): SubmitAnswer {
    const signed = readSubmission(body);
    const { tx, signature } = signed;
    const member = this.participants.get(tx.participantId);
    if (!member?.participant.approved) {
      const message = `tx.participantId: ${tx.participantId} is not an approved participant`;
      throw new LedgerError(403, 'PARTICIPANT_NOT_APPROVED', message, 'tx.participantId', tx.participantId);
    }
    if (!verifyTransaction(tx, signature, member.key)) {
      const message = `signature: not a valid Ed25519 signature by ${tx.participantId} over the canonical tx`;
      throw new LedgerError(403, 'BAD_SIGNATURE', message, 'signature');
    }
    const nonceKey = `${tx.participantId}\n${tx.nonce}`;
    const original = this.nonces.get(nonceKey);
    if (original !== undefined)
      return { httpStatus: 200, body: { ...this.statusOf(original), duplicate: true } };

    const txId = sha256Hex(canonicalJson(tx));
    const states = execute(tx, txId, {
      diamond: (id) => this.working.get(id),
      participant: (id) => this.participant(id),
      newDiamondId: (index) => diamondIds[index] ?? this.deriveDiamondId(txId, index),
    });
    for (const state of states) this.working.set(state.diamondId, state);
    const ids = states.map((state) => state.diamondId);
    this.txs.set(txId, {
      txId,
      signed,
      status: 'pending',
      diamondIds: ids,
      snapshots: structuredClone(states),
    });
    this.nonces.set(nonceKey, txId);
    this.pending.push(txId);
    return { httpStatus: 202, body: this.statusOf(txId) };
  }

  /** Commits every pending transaction in one block; answers null when nothing is pending. */
  cutBlock(timestamp = this.options.now()): Block | null {
    if (this.pending.length === 0) return null;
    const prev = this.chain.at(-1)!;
    const height = prev.height + 1;
    const leaves = this.pending.map((txId, leafIndex) => {
      const rec = this.txs.get(txId)!;
      const states = rec.snapshots.map((state) => {
        state.updatedAtHeight = height;
        state.stateHash = stateHashOf(state);
        this.committed.set(state.diamondId, state);
        return { diamondId: state.diamondId, stateHash: state.stateHash };
      });
      Object.assign(rec, {
        status: 'committed',
        blockHeight: height,
        leafIndex,
        result: { states },
        snapshots: [],
      });
      return leafHash({ tx: rec.signed.tx, signature: rec.signed.signature, result: rec.result });
    });
    Object.freeze(leaves); // a committed block's leaves never change (merkle.ts builds each tree once)
    const header = {
      height,
      prevHash: prev.hash,
      merkleRoot: merkleRoot(leaves),
      timestamp: Math.max(timestamp, prev.timestamp),
    };
    const block = { ...header, hash: blockHash(header), txIds: this.pending, leaves };
    this.chain.push(block);
    for (const txId of this.pending) {
      for (const id of this.txs.get(txId)!.diamondIds)
        this.working.set(id, structuredClone(this.committed.get(id)!));
    }
    this.pending = [];
    return publicBlock(block);
  }

  /** A transaction's status, signed body and, once committed, its result and inclusion proof. */
  transaction(txId: string): (TransactionStatus & Record<string, unknown>) | undefined {
    const rec = this.txs.get(txId);
    if (!rec) return undefined;
    const { tx, signature } = rec.signed;
    const proof = this.proof(txId);
    return { ...this.statusOf(txId), tx, signature, ...(rec.result ? { result: rec.result, proof } : {}) };
  }

  /** The inclusion proof of a committed transaction. */
  proof(txId: string): InclusionProof | undefined {
    const rec = this.txs.get(txId);
    const block = rec?.blockHeight === undefined ? undefined : this.chain[rec.blockHeight];
    if (!rec || !block || rec.leafIndex === undefined) return undefined;
    const { leafIndex } = rec;
    const { merkleRoot: root, height: blockHeight, leaves } = block;
    return {
      txId,
      leaf: leaves[leafIndex]!,
      leafIndex,
      blockHeight,
      merkleRoot: root,
      path: merklePath(leaves, leafIndex),
    };
  }

  /** The committed state of a stone, with what a client needs to verify it against the chain. */
  diamond(diamondId: string): (DiamondState & { proof: unknown }) | undefined {
    const state = this.committed.get(diamondId);
    if (!state) return undefined;
    const rec = this.txs.get(state.lastTxId);
    const proof = rec && this.proof(rec.txId);
    const block = proof && this.block(proof.blockHeight);
    const { txIds: _txIds, ...header } = block ?? { txIds: [] };
    const verification = proof && {
      ...proof,
      tx: rec.signed.tx,
      signature: rec.signed.signature,
      result: rec.result,
      block: header,
    };
    return { ...structuredClone(state), proof: verification ?? null };
  }

  /** Every committed stone, oldest change first: the order incremental reads page through. */
  diamonds(): DiamondState[] {
    return [...this.committed.values()].sort(
      (a, b) => a.updatedAtHeight - b.updatedAtHeight || (a.diamondId < b.diamondId ? -1 : 1),
    );
  }

  block(height: number): Block | undefined {
    const block = this.chain[height];
    return block && publicBlock(block);
  }

  /** The newest block. */
  head(): Block {
    return publicBlock(this.chain.at(-1)!);
  }

  /** Edits a stored stone without a transaction, as a corrupt node would. */
  tamper(diamondId: string, patch: unknown): DiamondState {
    const changes = record(patch, 'patch');
    for (const map of [this.committed, this.working]) {
      const state = map.get(diamondId);
      if (!state) throw LedgerError.notFound('DIAMOND_NOT_FOUND', 'diamondId', diamondId);
      Object.assign(state, structuredClone(changes));
    }
    return structuredClone(this.committed.get(diamondId)!);
  }

  /** Counts that let a test prove a write landed exactly once. */
  stats(): Record<string, unknown> {
    const byType: Record<string, number> = Object.fromEntries(TRANSACTION_TYPES.map((type) => [type, 0]));
    const byDiamond: Record<string, number> = {};
    // Who signed what: a test proves each act was signed by the participant that performs it.
    const bySigner: Record<string, Record<string, number>> = {};
    for (const rec of this.txs.values()) {
      if (rec.status !== 'committed') continue;
      const { type, participantId } = rec.signed.tx;
      byType[type] = (byType[type] ?? 0) + 1;
      for (const id of rec.diamondIds) byDiamond[id] = (byDiamond[id] ?? 0) + 1;
      const signed = (bySigner[participantId] ??= {});
      signed[type] = (signed[type] ?? 0) + 1;
    }
    const committed = Object.values(byType).reduce((a, b) => a + b, 0);
    return {
      headHeight: this.head().height,
      pendingTransactions: this.pending.length,
      committedTransactions: committed,
      committedByType: byType,
      committedByDiamond: byDiamond,
      committedBySigner: bySigner,
      diamonds: this.committed.size,
      participants: this.participants.size,
    };
  }

  private statusOf(txId: string): TransactionStatus {
    const rec = this.txs.get(txId)!;
    const { status, diamondIds, blockHeight } = rec;
    return {
      txId,
      status,
      diamondId: diamondIds[0]!,
      diamondIds,
      ...(blockHeight === undefined ? {} : { blockHeight }),
    };
  }

  /** `TRACR-` and the first 12 hex digits of sha256(txId:index), skipping the rare ID already taken. */
  private deriveDiamondId(txId: string, index: number): string {
    for (let salt = 0; ; salt += 1) {
      const id = `TRACR-${sha256Hex(`${txId}:${index}${salt ? `:${salt}` : ''}`)
        .slice(0, 12)
        .toUpperCase()}`;
      if (!this.working.has(id)) return id;
    }
  }
}

function publicBlock(block: Block & { leaves: string[] }): Block {
  const { leaves: _leaves, ...rest } = block;
  return { ...rest, txIds: [...rest.txIds] };
}
