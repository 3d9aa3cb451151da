/**
 * Groups the puts that concurrent sync jobs make to one platform into `putMany` calls: a ledger that takes
 * a hundred transactions per call would otherwise spend a round trip (and a block wait) on each stone.
 * Each job still gets its own result, so one refused stone fails only its own job.
 *
 * A job announces itself when it starts reading (`expect`), so a batch waits for the jobs that are still
 * reading and leaves as soon as the last of them has put or has found nothing to write, rather than after
 * a fixed linger that either splits the jobs of one wave or makes every put wait.
 */
import type { PlatformClient, PlatformRecord, PutItem, PutResult } from '../adapters/contract.js';
import type { DiamondRecord } from '../types/diamond.js';

/** Options of {@link createPutBatcher}. */
export interface PutBatcherOptions {
  /** Most items per `putMany` call: the adapter's `capabilities.batchWriteSize`. */
  maxBatch: number;
  /** How long a put that no announced job follows waits for company, in milliseconds. Default 5. */
  lingerMs?: number;
  /**
   * The longest a batch waits for announced jobs still reading, in milliseconds: a slow read delays the
   * others by at most this. Default 25.
   */
  maxWaitMs?: number;
}

/** Writes one stone, possibly together with others. */
export interface PutBatcher {
  /** `held`: what the caller just read of the stone, handed to the client (see `PutOptions.held`). */
  put(record: DiamondRecord, idempotencyKey: string, held?: PlatformRecord | null): Promise<PutResult>;
  /**
   * Announces a put that may follow: batches wait for it (up to `maxWaitMs`). Call the answered function
   * once the put is made, or once there will be none; calls after the first do nothing.
   */
  expect(): () => void;
  /** Sends whatever is waiting now. */
  flush(): void;
}

interface Pending {
  item: PutItem;
  resolve(result: PutResult): void;
  reject(error: unknown): void;
}

/** A batcher over `client`; without `putMany`, or with a batch size of 1, every put goes straight through. */
export function createPutBatcher(
  client: PlatformClient,
  { maxBatch, lingerMs = 5, maxWaitMs = 25 }: PutBatcherOptions,
): PutBatcher {
  const putMany = client.putMany?.bind(client);
  if (!putMany || maxBatch <= 1) {
    return {
      put: (record, idempotencyKey, held) => client.put(record, putItem(record, idempotencyKey, held)),
      expect: () => () => undefined,
      flush: () => undefined,
    };
  }
  let waiting: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let expected = 0;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    putMany(batch.map(({ item }) => item)).then(
      (results) => {
        batch.forEach((pending, i) => {
          const result = results[i];
          if (!result)
            pending.reject(new Error(`putMany answered ${results.length} results for ${batch.length} items`));
          else if (result.status === 'fulfilled') pending.resolve(result.value);
          else pending.reject(result.reason);
        });
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  };

  return {
    put(record, idempotencyKey, held) {
      return new Promise<PutResult>((resolve, reject) => {
        waiting.push({ item: putItem(record, idempotencyKey, held), resolve, reject });
        if (waiting.length >= maxBatch) flush();
        else timer ??= setTimeout(flush, expected > 0 ? maxWaitMs : lingerMs);
      });
    },
    expect() {
      expected++;
      let settled = false;
      return () => {
        if (settled) return;
        settled = true;
        expected--;
        // Everyone announced has put or dropped out: nothing is gained by waiting any longer.
        if (expected === 0 && waiting.length > 0) flush();
      };
    },
    flush,
  };
}

function putItem(
  record: DiamondRecord,
  idempotencyKey: string,
  held: PlatformRecord | null | undefined,
): PutItem {
  return held === undefined ? { record, idempotencyKey } : { record, idempotencyKey, held };
}
