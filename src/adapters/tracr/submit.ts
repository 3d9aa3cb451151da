/**
 * Getting signed transactions onto the ledger: signing with nonces that name each act, submitting (alone or in batches of
 * the ledger's declared maximum), and waiting until a block holds each one, with its inclusion proof checked.
 */
import type { AxiosInstance } from 'axios';
import { PlatformError } from '../errors.js';
import type { CommittedTransaction, LedgerReader } from './ledger.js';
import type { TracrEnvelope, TracrTxStatus } from './native.js';
import type { PlannedStep } from './plan.js';
import { batchItemError, refusal } from './refusals.js';
import type { ActContext } from './acts.js';
import { actNonce, signWith, type Signer } from './signing.js';

/** What writing needs from the connected client: the ledger, and the signers with their roles. */
export interface WriterContext extends ActContext {
  http: AxiosInstance;
  ledger: LedgerReader;
  /** How long to wait for a submitted transaction to reach a block. */
  blockWaitMs: number;
}

/** Signs one planned step on `stone` (its bridge ID) as `signer`, with the act's nonce. */
export function sign(signer: Signer, stone: string, step: PlannedStep): Promise<TracrEnvelope> {
  return signWith(
    {
      type: step.type,
      participantId: signer.participantId,
      nonce: actNonce(stone, step),
      // A resubmission may carry a new timestamp: the nonce, not the body, names the write.
      timestamp: Date.now(),
      payload: step.payload,
    },
    signer,
  );
}

/** One submission's answer, or why it failed. */
export type Answer = { status: TracrTxStatus } | { error: unknown };

/** Submits envelopes in order: alone on the single route, else in batches of the ledger's maximum size. */
export async function submitAll(ctx: WriterContext, envelopes: TracrEnvelope[]): Promise<Answer[]> {
  if (envelopes.length === 1) {
    try {
      return [{ status: (await ctx.http.post<TracrTxStatus>('/v1/transactions', envelopes[0])).data }];
    } catch (error) {
      return [{ error }];
    }
  }
  const { maxBatchSize } = await ctx.ledger.networkInfo();
  const answers: Answer[] = [];
  for (let start = 0; start < envelopes.length; start += maxBatchSize) {
    const chunk = envelopes.slice(start, start + maxBatchSize);
    try {
      const { data } = await ctx.http.post<{ results: { status: number; body: unknown }[] }>(
        '/v1/transactions/batch',
        { transactions: chunk },
      );
      chunk.forEach((envelope, index) => {
        const item = data.results[index];
        if (item && item.status < 300) answers.push({ status: item.body as TracrTxStatus });
        else answers.push({ error: batchItemError(item?.status ?? 500, item?.body, envelope.tx.type) });
      });
    } catch (error) {
      answers.push(...chunk.map(() => ({ error })));
    }
  }
  return answers;
}

/** A submitted transaction's answer and the public key of the participant who signed it. */
export interface Submitted {
  status: TracrTxStatus;
  /** To check that what committed is what this signer signed. */
  signerKey: string;
}

/**
 * Waits until a block holds each submitted transaction and checks each inclusion proof; answers, in order,
 * undefined for a transaction that committed and verified, else why not. While none is in a block, one
 * transaction stands for the batch: the ledger cuts a block from everything pending, so asking after each
 * would only repeat the question. Once that one is out of the pool every other is fetched once (each proof
 * is needed anyway), and any still pending is waited for the same way.
 */
export async function waitAllCommitted(ctx: WriterContext, answers: Submitted[]): Promise<unknown[]> {
  const submitted = answers.map(({ status }) => status);
  const { blockIntervalMs } = await ctx.ledger.networkInfo();
  const pollMs = Math.min(Math.max(Math.round(blockIntervalMs / 4), 10), 250);
  const deadline = Date.now() + ctx.blockWaitMs;
  const outcomes: unknown[] = submitted.map(() => undefined);
  const rejected = (index: number): PlatformError => {
    const { txId, diamondId } = submitted[index]!;
    return refusal(`transaction ${txId} was rejected by the ledger`, 'tx', diamondId);
  };
  // True once settled: committed and verified, or failed with the reason in `outcomes`.
  const settle = async (index: number, fetched?: CommittedTransaction): Promise<boolean> => {
    try {
      // The submission's answer carries no proof, so even one that said committed is fetched.
      const status = fetched ?? (await ctx.ledger.transaction(submitted[index]!.txId));
      if (status.status === 'pending') return false;
      if (status.status === 'rejected') throw rejected(index);
      await ctx.ledger.verifyCommitted(status, answers[index]!.signerKey);
    } catch (error) {
      outcomes[index] = error;
    }
    return true;
  };
  let waiting: number[] = [];
  for (const [index, status] of submitted.entries()) {
    if (status.status === 'rejected') outcomes[index] = rejected(index);
    else waiting.push(index);
  }
  let probing = submitted.every((status) => status.status === 'pending');
  while (waiting.length > 0) {
    if (probing) {
      const probe = waiting[0]!;
      if (Date.now() > deadline) {
        for (const index of waiting) {
          const { txId, diamondId } = submitted[index]!;
          outcomes[index] = retryLater(
            `transaction ${txId} is not in a block after ${ctx.blockWaitMs} ms`,
            diamondId,
            true,
          );
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      let status: CommittedTransaction;
      try {
        status = await ctx.ledger.transaction(submitted[probe]!.txId);
      } catch (error) {
        outcomes[probe] = error;
        waiting.shift();
        continue;
      }
      if (status.status === 'pending') continue;
      await settle(probe, status);
      waiting.shift();
    }
    const settled = await Promise.all(waiting.map((index) => settle(index)));
    waiting = waiting.filter((_, i) => !settled[i]);
    probing = true;
  }
  return outcomes;
}

/** A failure that may clear by itself; `ambiguous` when the write may have been applied. */
export function retryLater(message: string, stone: string, ambiguous = false): PlatformError {
  return new PlatformError(message, { adapter: 'tracr', failure: 'retryable', stone, ambiguous });
}
