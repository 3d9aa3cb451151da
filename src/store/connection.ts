/**
 * Connecting to Redis, one node or a cluster, from one code path: the store, the queues and the workers
 * take whichever client the configuration names. Every key the bridge writes starts with the hash-tagged
 * prefix, so on a cluster each script and MULTI still touches one slot.
 */
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './scripts.js';

/** Where Redis is: one node by URL, or a cluster by its seed nodes (`host:port`). */
export type RedisTarget = { url: string } | { clusterNodes: readonly string[] };

/**
 * What the connection is for. `queue`: BullMQ's, whose commands wait through a Redis restart or a
 * failover instead of failing (BullMQ requires it of its workers' connections). `store`: the bridge's own
 * reads and writes, which fail after two retries so an API request answers 503 rather than hanging.
 * `command`: a command-line run's, connected by the caller (`lazyConnect`), which gives up after a few
 * tries so the command says Redis is down instead of waiting for it.
 */
export type ConnectionUse = 'queue' | 'store' | 'command';

/** The target the configuration names, or undefined when it names none. */
export function redisTarget(config: {
  redisUrl: string | undefined;
  redisClusterNodes: readonly string[] | undefined;
}): RedisTarget | undefined {
  if (config.redisClusterNodes !== undefined && config.redisClusterNodes.length > 0)
    return { clusterNodes: config.redisClusterNodes };
  return config.redisUrl === undefined ? undefined : { url: config.redisUrl };
}

/** A client for `target`, configured for `use`. */
export function connectRedis(target: RedisTarget, use: ConnectionUse): RedisClient {
  const maxRetriesPerRequest = use === 'queue' ? null : 2;
  const command = use === 'command';
  const giveUp = (times: number): number | null => (times > 3 ? null : 200 * times);
  const nodeOptions = {
    maxRetriesPerRequest,
    ...(command ? { lazyConnect: true, connectTimeout: 5_000, retryStrategy: giveUp } : {}),
  };
  if ('url' in target) return new Redis(target.url, nodeOptions);
  return new Cluster(
    target.clusterNodes.map((node) => {
      const colon = node.lastIndexOf(':');
      return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
    }),
    {
      redisOptions: nodeOptions,
      ...(command ? { lazyConnect: true, clusterRetryStrategy: giveUp } : {}),
      // Commands issued during a failover wait for the new master rather than failing at once.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 500,
    },
  );
}

/** Where `target` is, for messages: a URL without its password, or the seed nodes. */
export function describeTarget(target: RedisTarget): string {
  if ('clusterNodes' in target) return `the Redis Cluster at ${target.clusterNodes.join(', ')}`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}
