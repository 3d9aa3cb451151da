/**
 * Groups the puts that concurrent sync jobs make to one platform into `putMany` calls: a ledger that takes
 * a hundred transactions per call would otherwise spend a round trip (and a block wait) on each stone.
 * Each job still gets its own result, so one refused stone fails only its own job.
 */
import type { PlatformClient, PutResult } from '../adapters/contract.js';
import type { DiamondRecord } from '../types/diamond.js';

/** Options of {@link createPutBatcher}. */
export interface PutBatcherOptions {
  /** Most items per `putMany` call: the adapter's `capabilities.batchWriteSize`. */
  maxBatch: number;
  /** How long the first put of a batch waits for company, in milliseconds. Default 5. */
  lingerMs?: number;
}

/** Writes one stone, possibly together with others. */
export interface PutBatcher {
  put(record: DiamondRecord, idempotencyKey: string): Promise<PutResult>;
  /** Sends whatever is waiting now. */
  flush(): void;
}

interface Pending {
  record: DiamondRecord;
  idempotencyKey: string;
  resolve(result: PutResult): void;
  reject(error: unknown): void;
}

/** A batcher over `client`; without `putMany`, or with a batch size of 1, every put goes straight through. */
export function createPutBatcher(
  client: PlatformClient,
  { maxBatch, lingerMs = 5 }: PutBatcherOptions,
): PutBatcher {
  const putMany = client.putMany?.bind(client);
  if (!putMany || maxBatch <= 1) {
    return {
      put: (record, idempotencyKey) => client.put(record, { idempotencyKey }),
      flush: () => undefined,
    };
  }
  let waiting: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    putMany(batch.map(({ record, idempotencyKey }) => ({ record, idempotencyKey }))).then(
      (results) => {
        batch.forEach((item, i) => {
          const result = results[i];
          if (!result)
            item.reject(new Error(`putMany answered ${results.length} results for ${batch.length} items`));
          else if (result.status === 'fulfilled') item.resolve(result.value);
          else item.reject(result.reason);
        });
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
      },
    );
  };

  return {
    put(record, idempotencyKey) {
      return new Promise<PutResult>((resolve, reject) => {
        waiting.push({ record, idempotencyKey, resolve, reject });
        if (waiting.length >= maxBatch) flush();
        else timer ??= setTimeout(flush, lingerMs);
      });
    },
    flush,
  };
}
