/**
 * The ledger's read routes, each answer checked before it is believed: stones against their inclusion
 * proofs, committed transactions against their blocks. Only the public /v1 API is used.
 */
import type { AxiosInstance } from 'axios';
import { PlatformError } from '../errors.js';
import type {
  ServedDiamond,
  TracrBlockHeader,
  TracrDiamond,
  TracrInclusionProof,
  TracrTransaction,
  TracrTxResult,
  TracrTxStatus,
} from './native.js';
import { TRACR_ID } from './native.js';
import { signatureValid } from './signing.js';
import { inclusionProblem, stoneProblem } from './verify.js';

/** `GET /v1/network`: what the client adapts to. */
export interface NetworkInfo {
  maxBatchSize: number;
  blockIntervalMs: number;
  genesisHash: string;
}

/** `GET /v1/transactions/:txId` once committed. */
export interface CommittedTransaction extends TracrTxStatus {
  tx: TracrTransaction;
  signature: string;
  result?: TracrTxResult;
  proof?: TracrInclusionProof;
}

/** `GET /v1/participants/:id`. */
export interface Participant {
  participantId: string;
  org: string;
  role: 'producer' | 'manufacturer' | 'lab' | 'retailer';
  publicKey: string;
  approved: boolean;
}

/** A page of `GET /v1/diamonds`. */
export interface StonePage {
  items: TracrDiamond[];
  nextCursor: string | null;
  headHeight: number;
}

/** The stone filters `GET /v1/diamonds` takes. */
export type StoneQuery = Partial<
  Record<'producerRef' | 'inscription' | 'kpCertificate' | 'changedSinceHeight' | 'cursor' | 'limit', string>
>;

/** Verified reads of one ledger node. Signer keys and block hashes are cached: both are fixed once published. */
export class LedgerReader {
  private network: NetworkInfo | undefined;
  private readonly keys = new Map<string, string>();
  private readonly blocks = new Map<number, TracrBlockHeader>();

  constructor(private readonly http: AxiosInstance) {}

  /** The network's declared limits, read once. */
  async networkInfo(): Promise<NetworkInfo> {
    this.network ??= (await this.http.get<NetworkInfo>('/v1/network')).data;
    return this.network;
  }

  /** The stone `diamondId` with its proof checked, without the proof; null when the ledger holds no such stone. */
  async stone(diamondId: string): Promise<TracrDiamond | null> {
    if (!TRACR_ID.test(diamondId)) return null;
    let served: ServedDiamond;
    try {
      served = (await this.http.get<ServedDiamond>(`/v1/diamonds/${diamondId}`)).data;
    } catch (error) {
      if (error instanceof PlatformError && error.status === 404) return null;
      throw error;
    }
    let problem = await this.stoneProblem(served);
    if (problem !== null) {
      // A key or block cached earlier could be the stale side; ask again before calling the record tampered.
      this.keys.clear();
      this.blocks.clear();
      problem = await this.stoneProblem(served);
    }
    if (problem !== null) {
      throw new PlatformError(`tampered record refused: ${problem}`, {
        adapter: 'tracr',
        failure: 'unrecoverable',
        stone: diamondId,
        field: 'stateHash',
      });
    }
    const { proof: _proof, ...state } = served;
    return state;
  }

  /** One page of stones matching `query`; the items are unverified listings, to be read with {@link stone}. */
  async page(query: StoneQuery): Promise<StonePage> {
    return (await this.http.get<StonePage>('/v1/diamonds', { params: query })).data;
  }

  /** Every stone listed for one exact filter, all pages. */
  async listAll(query: StoneQuery): Promise<TracrDiamond[]> {
    const items: TracrDiamond[] = [];
    let cursor: string | null = null;
    do {
      const page: StonePage = await this.page({ ...query, limit: '500', ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  /** A transaction's status and, once committed, its signed body, result and proof. */
  async transaction(txId: string): Promise<CommittedTransaction> {
    return (await this.http.get<CommittedTransaction>(`/v1/transactions/${txId}`)).data;
  }

  /** Checks a committed transaction's proof against the chain; throws unrecoverable when it fails. */
  async verifyCommitted(committed: CommittedTransaction, signerKey: string): Promise<void> {
    let problem = await this.committedProblem(committed, signerKey);
    if (problem !== null) {
      this.blocks.clear();
      problem = await this.committedProblem(committed, signerKey);
    }
    if (problem !== null) {
      throw new PlatformError(`inclusion proof refused: ${problem}`, {
        adapter: 'tracr',
        failure: 'unrecoverable',
        stone: committed.diamondId,
        field: 'proof',
      });
    }
  }

  /** A participant as the network's operator admitted it. */
  async participant(participantId: string): Promise<Participant> {
    return (await this.http.get<Participant>(`/v1/participants/${encodeURIComponent(participantId)}`)).data;
  }

  /** The newest block. */
  async head(): Promise<TracrBlockHeader> {
    return (await this.http.get<TracrBlockHeader>('/v1/chain/head')).data;
  }

  private async committedProblem(committed: CommittedTransaction, signerKey: string): Promise<string | null> {
    const { result, proof } = committed;
    if (!result || !proof) return 'the ledger served no result or proof';
    const block = await this.block(proof.blockHeight);
    const problem = inclusionProblem(
      { txId: committed.txId, tx: committed.tx, signature: committed.signature, result },
      proof,
      block,
      block.hash,
    );
    if (problem !== null) return problem;
    if (!signatureValid(committed.tx, committed.signature, signerKey))
      return 'the committed transaction is not the one this participant signed';
    return null;
  }

  private async stoneProblem(served: ServedDiamond): Promise<string | null> {
    if (!served.proof) return 'the ledger served no proof';
    const [key, block] = await Promise.all([
      this.participantKey(served.proof.tx.participantId),
      this.block(served.proof.block.height),
    ]);
    return stoneProblem(served, key, block.hash);
  }

  private async participantKey(participantId: string): Promise<string> {
    let key = this.keys.get(participantId);
    if (key === undefined) {
      key = (await this.participant(participantId)).publicKey;
      this.keys.set(participantId, key);
    }
    return key;
  }

  private async block(height: number): Promise<TracrBlockHeader> {
    let block = this.blocks.get(height);
    if (block === undefined) {
      block = (await this.http.get<TracrBlockHeader>(`/v1/blocks/${height}`)).data;
      this.blocks.set(height, block);
    }
    return block;
  }
}
