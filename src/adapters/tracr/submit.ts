/**
 * Getting signed transactions onto the ledger: signing with derived nonces, submitting (alone or in batches of
 * the ledger's declared maximum), and waiting until a block holds each one, with its inclusion proof checked.
 */
import type { KeyObject } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { PlatformError } from '../errors.js';
import type { LedgerReader } from './ledger.js';
import type { TracrEnvelope, TracrTxStatus } from './native.js';
import type { PlannedStep } from './plan.js';
import { batchItemError, refusal } from './refusals.js';
import { signTransaction, stepNonce } from './signing.js';

/** What writing needs from the connected client. */
export interface WriterContext {
  http: AxiosInstance;
  ledger: LedgerReader;
  participantId: string;
  privateKey: KeyObject;
  /** The signer's public key as the ledger publishes it, to check that what committed is ours. */
  publicKey: string;
  /** How long to wait for a submitted transaction to reach a block. */
  blockWaitMs: number;
  /** The signer's role on the network, read once. */
  role?: string;
}

/** Signs one planned step as the context's participant, with the nonce the write's key gives it. */
export function sign(ctx: WriterContext, idempotencyKey: string, step: PlannedStep): TracrEnvelope {
  return signTransaction(
    {
      type: step.type,
      participantId: ctx.participantId,
      nonce: stepNonce(idempotencyKey, step.step),
      // A resubmission may carry a new timestamp: the nonce, not the body, names the write.
      timestamp: Date.now(),
      payload: step.payload,
    },
    ctx.privateKey,
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

/** Polls until the transaction is in a block, then checks its inclusion proof against the chain. */
export async function waitCommitted(ctx: WriterContext, submitted: TracrTxStatus): Promise<void> {
  const { blockIntervalMs } = await ctx.ledger.networkInfo();
  const pollMs = Math.min(Math.max(Math.round(blockIntervalMs / 4), 10), 250);
  const deadline = Date.now() + ctx.blockWaitMs;
  let status: TracrTxStatus = submitted;
  for (;;) {
    if (status.status === 'rejected')
      throw refusal(`transaction ${status.txId} was rejected by the ledger`, 'tx', status.diamondId);
    if (status.status === 'pending') {
      if (Date.now() > deadline)
        throw retryLater(
          `transaction ${status.txId} is not in a block after ${ctx.blockWaitMs} ms`,
          status.diamondId,
          true,
        );
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    // The submission's answer says committed but carries no proof; the transaction route serves both.
    const fetched = await ctx.ledger.transaction(submitted.txId);
    if (fetched.status === 'committed') {
      await ctx.ledger.verifyCommitted(fetched, ctx.publicKey);
      return;
    }
    status = fetched;
  }
}

/** A failure that may clear by itself; `ambiguous` when the write may have been applied. */
export function retryLater(message: string, stone: string, ambiguous = false): PlatformError {
  return new PlatformError(message, { adapter: 'tracr', failure: 'retryable', stone, ambiguous });
}
