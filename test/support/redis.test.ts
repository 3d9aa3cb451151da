import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redis.js';

describe('test Redis harness', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('starts a private server on a port of its own, not the standard one', async () => {
    expect(redis.port).not.toBe(6379);
    const client = new Redis(redis.url);
    await client.set('{tb}:probe', 'x');
    expect(await client.get('{tb}:probe')).toBe('x');
    client.disconnect();
  });

  it('keeps acknowledged writes across a restart with the append-only file on', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    await client.set('{tb}:kept', 'yes');
    await redis.kill();
    await redis.start();
    expect(await client.get('{tb}:kept')).toBe('yes');
    client.disconnect();
  });
});
