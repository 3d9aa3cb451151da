/**
 * The world of a cluster suite: a real Redis Cluster, both simulators (the ledger's blocks every 50 ms)
 * and a bridge on the cluster whose workers run eight jobs at once and retry a long time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { openBridge, testConfig, type TestBridge } from '../queue/support.js';

/** A started cluster world; see the module comment. */
export interface ClusterWorld {
  cluster: TestRedisCluster;
  gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  bridge: TestBridge;
  /** Closes the bridge (waiting at most 20 s), the simulators and the cluster: none outlives the suite. */
  close(): Promise<void>;
}

/** Starts the cluster, the simulators and the bridge. */
export async function startClusterWorld(): Promise<ClusterWorld> {
  const cluster = await startRedisCluster();
  const gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
  const tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
  const bridge = openBridge(
    testConfig(cluster, { queueDefaults: { concurrency: 8, ratePerSec: 0, attempts: 100 } }),
    [giaAdapter, tracrAdapter],
  );
  return {
    cluster,
    gia,
    tracr,
    bridge,
    async close() {
      // The cluster's processes are stopped whatever closing the bridge after a failover does.
      const closed = await Promise.race([bridge.close().then(() => true), sleep(20_000).then(() => false)]);
      if (!closed) process.stderr.write('cluster suite: the bridge had not closed after 20 s\n');
      await Promise.all([gia.close(), tracr.close()]);
      await cluster.stop();
    },
  };
}
