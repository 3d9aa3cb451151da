/**
 * A real Redis Cluster on loopback for one suite: three masters and a replica of each, six `redis-server`
 * processes in cluster mode joined with `redis-cli --cluster create`, on free ports, torn down after.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import {
  freePort,
  redisServerPath,
  startPrivateRedis,
  type PrivateRedis,
} from '../../src/ops/redis-server.js';

const run = promisify(execFile);

/** A private cluster; see the module comment. */
export interface TestRedisCluster {
  /** Every node as `host:port`, the seeds for `REDIS_CLUSTER_NODES`. */
  readonly nodes: readonly string[];
  /** The port of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** Kills the node on `port` with SIGKILL, as a crash would. */
  kill(port: number): Promise<void>;
  /**
   * Kills the master serving `key`'s slot with SIGKILL and waits until its replica serves the slot and
   * every node left reports the cluster healthy; answers the killed master's port.
   */
  failOver(key: string, timeoutMs?: number): Promise<number>;
  /** Waits until the cluster reports every slot served again (after a failover). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their folders. */
  stop(): Promise<void>;
}

/** Starts the cluster. A node notices a dead peer after `nodeTimeoutMs` (default 1 s), then fails over. */
export async function startRedisCluster(
  options: { masters?: number; nodeTimeoutMs?: number } = {},
): Promise<TestRedisCluster> {
  const masters = options.masters ?? 3;
  const root = mkdtempSync(join(tmpdir(), 'tracebridge-cluster-'));
  const servers = new Map<number, PrivateRedis>();
  const stopAll = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * 2; i++) {
      const port = await clusterPort();
      servers.set(
        port,
        await startPrivateRedis({
          dir: join(root, `node-${port}`),
          port,
          appendOnly: false,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(options.nodeTimeoutMs ?? 1_000),
          ],
        }),
      );
    }
    const nodes = [...servers.keys()].map((port) => `127.0.0.1:${port}`);
    await run(redisCli(), ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes']);
    const cluster: TestRedisCluster = {
      nodes,
      async masterOf(key) {
        return withNode([...servers.keys()][0]!, async (node) => {
          const slot = Number(await node.call('CLUSTER', 'KEYSLOT', key));
          const shards = (await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
          const shard = shards.find(([from, to]) => slot >= from && slot <= to);
          if (!shard) throw new Error(`no master serves slot ${slot}`);
          return shard[2][1];
        });
      },
      async kill(port) {
        await servers.get(port)?.kill();
        servers.delete(port);
      },
      async failOver(key, timeoutMs = 30_000) {
        const master = await cluster.masterOf(key);
        await cluster.kill(master);
        const deadline = Date.now() + timeoutMs;
        while ((await cluster.masterOf(key).catch(() => master)) === master) {
          if (Date.now() > deadline) throw new Error(`no replica took over from the master on ${master}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await cluster.waitHealthy(Math.max(1, deadline - Date.now()));
        return master;
      },
      async waitHealthy(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const alive = [...servers.keys()];
          const states = await Promise.all(
            alive.map((port) =>
              withNode(port, async (node) => String(await node.call('CLUSTER', 'INFO'))).catch(() => ''),
            ),
          );
          if (states.every((info) => /cluster_state:ok/.test(info))) return;
          if (Date.now() > deadline) throw new Error(`the cluster is not healthy: ${states.join(' | ')}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop: stopAll,
    };
    await cluster.waitHealthy();
    // A replica that never finished its first sync refuses to take over, so the cluster is ready only
    // once every replica's link to its master is up.
    const deadline = Date.now() + 30_000;
    for (const port of servers.keys()) {
      for (;;) {
        const info = await withNode(port, async (node) => node.info('replication'));
        if (/role:master/.test(info) || /master_link_status:up/.test(info)) break;
        if (Date.now() > deadline) throw new Error(`the replica on ${port} never synced: ${info}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return cluster;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

// redis-cli beside the redis-server in use (Debian ships them together), else the one on the PATH.
function redisCli(): string {
  const beside = join(dirname(redisServerPath()), 'redis-cli');
  return existsSync(beside) ? beside : 'redis-cli';
}

// A free port whose cluster bus port (port + 10000) is free too.
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function withNode<T>(port: number, work: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await work(node);
  } finally {
    node.disconnect();
  }
}
