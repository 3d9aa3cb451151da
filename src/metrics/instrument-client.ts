import type { PlatformClient, PutResult } from '../adapters/contract.js';
import { PlatformError } from '../adapters/errors.js';
import type { BridgeMetrics } from './bridge-metrics.js';

/**
 * Wraps a platform client so every call is timed, every failure counted by its class and every stone
 * written counted by its outcome, in one place: `createBridge` wraps each client once, and the lookup, the
 * sync workers, the change feeds and the health checks all go through the same wrapped client.
 */
export function instrumentClient<Native>(
  platform: string,
  client: PlatformClient<Native>,
  metrics: BridgeMetrics,
): PlatformClient<Native> {
  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = metrics.platformDuration.startTimer({ platform, operation });
      try {
        const result = await call(...args);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: 'error' });
        metrics.platformErrors.inc({ platform, operation, failure: failureClass(error) });
        throw error;
      }
    };
  const written = (outcome: string): void => metrics.platformWrites.inc({ platform, outcome });
  const wrapped: PlatformClient<Native> = {
    get: timed('get', (ref: string) => client.get(ref)),
    find: timed('find', (identifiers: Parameters<PlatformClient['find']>[0]) => client.find(identifiers)),
    put: timed('put', async (...args: Parameters<PlatformClient['put']>) => {
      try {
        const result = await client.put(...args);
        written(result.outcome);
        return result;
      } catch (error) {
        written(failureClass(error));
        throw error;
      }
    }),
    health: () => client.health(),
  };
  if (client.putMany) {
    const putMany = client.putMany.bind(client);
    wrapped.putMany = timed('putMany', async (items: Parameters<typeof putMany>[0]) => {
      let settled: PromiseSettledResult<PutResult>[];
      try {
        settled = await putMany(items);
      } catch (error) {
        // The whole call failed: so did the write of every stone it carried.
        for (const _ of items) written(failureClass(error));
        throw error;
      }
      for (const result of settled) written(outcomeOf(result));
      return settled;
    });
  }
  if (client.changes) {
    const changes = client.changes.bind(client);
    wrapped.changes = timed('changes', (cursor: string | null) => changes(cursor));
  }
  if (client.close) wrapped.close = client.close.bind(client);
  return wrapped;
}

function outcomeOf(result: PromiseSettledResult<PutResult>): string {
  return result.status === 'fulfilled' ? result.value.outcome : failureClass(result.reason);
}

function failureClass(error: unknown): string {
  return error instanceof PlatformError ? error.failure : 'unclassified';
}
