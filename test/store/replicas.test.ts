/**
 * A write is acknowledged once a replica holds it: with no replica there is nothing to wait for; with one,
 * WAIT confirms it; with one that does not answer, the confirmation fails in time instead of hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/ops/redis-server.js';
import { createReplicas, ReplicationTimeoutError } from '../../src/store/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';

describe('confirming writes on a replica', () => {
  let alone: TestRedis;
  let master: TestRedis;
  let replica: PrivateRedis;
  let replicaDir: string;
  const clients: Redis[] = [];
  const client = (url: string): Redis => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    alone = await startRedis();
    master = await startRedis();
    replicaDir = mkdtempSync(join(tmpdir(), 'tracebridge-replica-'));
    replica = await startPrivateRedis({
      dir: replicaDir,
      appendOnly: false,
      extraArgs: ['--replicaof', '127.0.0.1', String(master.port), '--enable-debug-command', 'yes'],
    });
    const probe = client(replica.url);
    for (let i = 0; i < 100 && !/master_link_status:up/.test(await probe.info('replication')); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await replica?.stop();
    rmSync(replicaDir, { recursive: true, force: true });
    await Promise.all([alone?.stop(), master?.stop()]);
  });

  it('answers 0 at once when the master has no replica', async () => {
    const redis = client(alone.url);
    await redis.set('{tb}:x', '1');
    const started = Date.now();
    expect(await createReplicas([redis], '{tb}:x', 5_000).confirm()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('confirms a write once the replica holds it', async () => {
    const redis = client(master.url);
    await redis.set('{tb}:stone', 'registered');
    expect(await createReplicas([redis], '{tb}:stone', 5_000).confirm()).toBe(1);
    expect(await client(replica.url).get('{tb}:stone')).toBe('registered');
  });

  it('refuses in time when the replica does not confirm', async () => {
    const redis = client(master.url);
    const replicas = createReplicas([redis], '{tb}:stone', 300);
    expect(await replicas.confirm()).toBe(1);
    // The replica stops answering for two seconds: it cannot acknowledge what the master sends it.
    const asleep = client(replica.url).call('DEBUG', 'SLEEP', '2');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.set('{tb}:stone', 'edited');
    await expect(replicas.confirm()).rejects.toBeInstanceOf(ReplicationTimeoutError);
    await asleep;
  });
});
