/**
 * Waiting for a replica: a write the API acknowledges should outlive the master that took it. When the
 * master holding the bridge's keys has replicas, the bridge asks it (`WAIT`) to confirm that one of them
 * holds every write made so far on a connection before it answers; with none, there is nothing to wait
 * for. On a cluster the master is the one serving the prefix's hash tag, asked over the very connection
 * the writes went through (WAIT counts that connection's writes).
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './scripts.js';

/** The writes were not confirmed by a replica in time; they are on the master, which may still lose them. */
export class ReplicationTimeoutError extends Error {
  override readonly name = 'ReplicationTimeoutError';

  constructor(
    readonly replicas: number,
    readonly timeoutMs: number,
    message = `none of the master's ${replicas} replica(s) confirmed the write within ${timeoutMs} ms`,
  ) {
    super(`[tracebridge] [store] ${message}`);
  }
}

/** Confirms writes on replicas; see the module comment. */
export interface Replicas {
  /**
   * Resolves once a replica holds every write made so far on the connections to the master, with the
   * number of replicas that confirmed (0 when the master has none). Throws
   * {@link ReplicationTimeoutError} when it has some and none confirmed within the timeout.
   */
  confirm(): Promise<number>;
}

// How long the number of replicas is trusted before it is read again (INFO is not free on every write).
const REPLICA_COUNT_TTL_MS = 5_000;

/**
 * Replica confirmation for writes made over `clients` (the store's connection and the queues', which may
 * be one), whose keys share `anchorKey`'s hash tag: {@link Replicas.confirm} waits on each.
 */
export function createReplicas(
  clients: readonly RedisClient[],
  anchorKey: string,
  timeoutMs = 2_000,
): Replicas {
  const each = [...new Set(clients)].map((client) => replicasOf(client, anchorKey, timeoutMs));
  return {
    async confirm() {
      const confirmed = await Promise.all(each.map((replicas) => replicas.confirm()));
      return Math.min(...confirmed);
    },
  };
}

function replicasOf(redis: RedisClient, anchorKey: string, timeoutMs: number): Replicas {
  let known: { count: number; at: number; node: Redis } | undefined;

  const masterNode = async (): Promise<Redis> => {
    if (!(redis instanceof Cluster)) return redis;
    const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', anchorKey));
    const find = () => {
      const serving = redis.slots[slot]?.[0];
      return redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === serving);
    };
    // Right after a failover the client may still map the slot to the master that died (and has left
    // its pool): ask the cluster for its slots once before giving up.
    let node = find();
    if (!node) {
      await new Promise<void>((resolve) => redis.refreshSlotsCache(() => resolve()));
      node = find();
    }
    if (!node) {
      throw new ReplicationTimeoutError(0, timeoutMs, `no master is known for slot ${slot} of ${anchorKey}`);
    }
    return node;
  };

  return {
    async confirm() {
      if (known === undefined || Date.now() - known.at > REPLICA_COUNT_TTL_MS) {
        const node = await masterNode();
        const info = await node.info('replication');
        known = { count: Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0), at: Date.now(), node };
      }
      if (known.count === 0) return 0;
      const confirmed = Number(await known.node.call('WAIT', 1, timeoutMs));
      if (confirmed >= 1) return confirmed;
      // A failover may have moved the slot: look again next time.
      const replicas = known.count;
      known = undefined;
      throw new ReplicationTimeoutError(replicas, timeoutMs);
    },
  };
}
