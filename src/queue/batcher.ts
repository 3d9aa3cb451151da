/**
 * Groups the puts that concurrent sync jobs make to one platform into `putMany` calls: a ledger that takes
 * a hundred transactions per call would otherwise spend a round trip (and a block wait) on each stone.
 * Each job still gets its own result, so one refused stone fails only its own job.
 *
 * A job announces itself when it starts reading (`expect`), so a batch waits for the jobs that are still
 * reading and leaves as soon as the last of them has put or has found nothing to write, rather than after
 * a fixed linger that either splits the jobs of one wave or makes every put wait.
 *
 * At most `concurrency` calls are in flight: the worker runs more jobs than that, and a batch that is due
 * while every call is out keeps taking puts until one comes back, so many jobs share few calls.
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
  /** Most platform calls (`put` or `putMany`) in flight at once. Default: no limit. */
  concurrency?: number;
}

/** Writes one stone, possibly together with others. */
export interface PutBatcher {
  /**
   * `held`: what the caller just read of the stone, handed to the client (see `PutOptions.held`); `native`:
   * the record already in the platform's write shape (see `PutOptions.native`).
   */
  put(
    record: DiamondRecord,
    idempotencyKey: string,
    held?: PlatformRecord | null,
    native?: unknown,
  ): Promise<PutResult>;
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

/** A batcher over `client`; without `putMany`, or with a batch size of 1, every put is a call of its own. */
export function createPutBatcher(
  client: PlatformClient,
  { maxBatch, lingerMs = 5, maxWaitMs = 25, concurrency = Number.POSITIVE_INFINITY }: PutBatcherOptions,
): PutBatcher {
  if (!(concurrency >= 1)) {
    throw new RangeError(
      `[tracebridge] [batcher] concurrency=${concurrency} is not valid: expected 1 or more`,
    );
  }
  const calls = callSlots(concurrency);
  const putMany = client.putMany?.bind(client);
  if (!putMany || maxBatch <= 1) {
    return {
      put: (record, idempotencyKey, held, native) =>
        calls.run(() => client.put(record, putItem(record, idempotencyKey, held, native))),
      expect: () => () => undefined,
      flush: () => undefined,
    };
  }
  const waiting: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let expected = 0;
  /** A flush found every call out: what waits goes as soon as one comes back. */
  let due = false;

  const send = (batch: Pending[]): void => {
    calls.take();
    putMany(batch.map(({ item }) => item))
      .then(
        (results) => {
          batch.forEach((pending, i) => {
            const result = results[i];
            if (!result)
              pending.reject(
                new Error(`putMany answered ${results.length} results for ${batch.length} items`),
              );
            else if (result.status === 'fulfilled') pending.resolve(result.value);
            else pending.reject(result.reason);
          });
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        calls.give();
        if (due) flush();
      });
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (waiting.length > 0 && calls.free()) send(waiting.splice(0, maxBatch));
    due = waiting.length > 0;
  };

  return {
    put(record, idempotencyKey, held, native) {
      return new Promise<PutResult>((resolve, reject) => {
        waiting.push({ item: putItem(record, idempotencyKey, held, native), resolve, reject });
        if (waiting.length >= maxBatch) flush();
        else if (!due) timer ??= setTimeout(flush, expected > 0 ? maxWaitMs : lingerMs);
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

/** Counts platform calls in flight against `limit`; `run` queues a call until a slot is free. */
function callSlots(limit: number) {
  let inFlight = 0;
  const queued: (() => void)[] = [];
  const slots = {
    free: () => inFlight < limit,
    take() {
      inFlight++;
    },
    give() {
      const next = queued.shift();
      // The slot passes straight to the next queued call, so no newcomer can slip in between.
      if (next) next();
      else inFlight--;
    },
    async run<T>(call: () => Promise<T>): Promise<T> {
      if (slots.free()) slots.take();
      else await new Promise<void>((resolve) => queued.push(resolve));
      try {
        return await call();
      } finally {
        slots.give();
      }
    },
  };
  return slots;
}

function putItem(
  record: DiamondRecord,
  idempotencyKey: string,
  held: PlatformRecord | null | undefined,
  native: unknown,
): PutItem {
  return {
    record,
    idempotencyKey,
    ...(held === undefined ? {} : { held }),
    ...(native === undefined ? {} : { native }),
  };
}
