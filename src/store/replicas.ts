/**
 * Waiting for a replica: a write the API acknowledges should outlive the master that took it. When the
 * master holding the bridge's keys has replicas, the bridge asks it (`WAIT`) to confirm that one of them
 * holds every write made so far on a connection before it answers; with none, there is nothing to wait
 * for. On a cluster the masters are the ones serving the prefix's hash tag and each sync queue
 * partition's, asked over the very connection the writes went through (WAIT counts that connection's
 * writes).
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './scripts.js';
import { keySlot } from './spread.js';

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
 * be one), whose keys share the hash tags of `anchorKeys` (the store's, and each sync queue partition's):
 * {@link Replicas.confirm} waits on every master that serves one of them, over each connection.
 */
export function createReplicas(
  clients: readonly RedisClient[],
  anchorKeys: string | readonly string[],
  timeoutMs = 2_000,
): Replicas {
  const anchors = typeof anchorKeys === 'string' ? [anchorKeys] : anchorKeys;
  const each = [...new Set(clients)].map((client) => replicasOf(client, anchors, timeoutMs));
  return {
    async confirm() {
      const confirmed = await Promise.all(each.map((replicas) => replicas.confirm()));
      return Math.min(...confirmed);
    },
  };
}

function replicasOf(redis: RedisClient, anchorKeys: readonly string[], timeoutMs: number): Replicas {
  let known: { at: number; masters: { count: number; node: Redis }[] } | undefined;

  const masterNode = async (anchorKey: string): Promise<Redis> => {
    if (!(redis instanceof Cluster)) return redis;
    const slot = keySlot(anchorKey);
    // A node whose connection ended (a master that died) is not one to ask.
    const find = () => {
      const serving = redis.slots[slot]?.[0];
      return redis
        .nodes('master')
        .find((n) => `${n.options.host}:${n.options.port}` === serving && !GONE.has(n.status));
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

  const confirmOnce = async (): Promise<number> => {
    if (known === undefined || Date.now() - known.at > REPLICA_COUNT_TTL_MS) {
      // Anchors served by one master (always so on a single node) are asked about once.
      const nodes = [...new Set(await Promise.all(anchorKeys.map(masterNode)))];
      const masters = await Promise.all(
        nodes.map(async (node) => {
          const info = await node.info('replication');
          return { count: Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0), node };
        }),
      );
      known = { at: Date.now(), masters };
    }
    const replicated = known.masters.filter((master) => master.count > 0);
    if (replicated.length === 0) return 0;
    const confirmed = await Promise.all(
      replicated.map(async (master) => Number(await master.node.call('WAIT', 1, timeoutMs))),
    );
    // A master without replicas has nothing to wait for, and confirms none.
    const least = Math.min(...confirmed, ...(replicated.length < known.masters.length ? [0] : []));
    if (confirmed.every((count) => count >= 1)) return least;
    // A failover may have moved a slot: look again next time.
    const replicas = Math.min(...replicated.map((master) => master.count));
    known = undefined;
    throw new ReplicationTimeoutError(replicas, timeoutMs);
  };

  return {
    async confirm() {
      // A master that died since it was looked up closes the connection under the question: the slot's
      // new master is looked up and asked instead.
      for (let attempt = 1; ; attempt++) {
        try {
          return await confirmOnce();
        } catch (error) {
          if (!isClosed(error) || attempt >= CLOSED_ATTEMPTS) throw error;
          known = undefined;
          if (redis instanceof Cluster)
            await new Promise<void>((resolve) => redis.refreshSlotsCache(() => resolve()));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
  };
}

// Connection states in which a node takes no more commands.
const GONE = new Set(['close', 'end']);
// How many times a confirmation is asked again after a master's connection closed under it.
const CLOSED_ATTEMPTS = 3;

function isClosed(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Connection is closed');
}
