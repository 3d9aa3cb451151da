import type { PlatformClient } from '../adapters/contract.js';
import { PlatformError } from '../adapters/errors.js';
import type { BridgeMetrics } from './metrics.js';

/**
 * Wraps a platform client so every call is timed and every failure counted by its class, in one place:
 * the lookup, the workers and the health checks all go through the same wrapped client.
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
        const failure = error instanceof PlatformError ? error.failure : 'unclassified';
        stop({ outcome: 'error' });
        metrics.platformErrors.inc({ platform, operation, failure });
        throw error;
      }
    };
  const wrapped: PlatformClient<Native> = {
    get: timed('get', (ref: string) => client.get(ref)),
    find: timed('find', (identifiers: Parameters<PlatformClient['find']>[0]) => client.find(identifiers)),
    put: timed('put', (record: Parameters<PlatformClient['put']>[0], options: { idempotencyKey: string }) =>
      client.put(record, options),
    ),
    health: () => client.health(),
  };
  if (client.putMany) {
    const putMany = client.putMany.bind(client);
    wrapped.putMany = timed('putMany', (items: Parameters<typeof putMany>[0]) => putMany(items));
  }
  if (client.changes) {
    const changes = client.changes.bind(client);
    wrapped.changes = timed('changes', (cursor: string | null) => changes(cursor));
  }
  if (client.close) wrapped.close = client.close.bind(client);
  return wrapped;
}
