import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createStore, type Store } from '../../src/store/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { stone } from './fixtures.js';

let serial = 0;

/**
 * A private redis-server for the suite; `fresh()` answers a store under a prefix no other test uses, so
 * tests share the server but never each other's keys.
 */
export function useStore(): { fresh: () => Store; redis: () => Redis } {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });
  return {
    fresh: () => {
      serial += 1;
      return createStore(client as Redis, { prefix: `{tbreconcile${serial}}:` });
    },
    redis: () => client as Redis,
  };
}

/** Saves stone `n` with both platforms' views as its mirrors; answers its ID. */
export async function seedStone(
  store: Store,
  n: number,
  change: (views: ReturnType<typeof stone>) => void = () => undefined,
): Promise<string> {
  const views = stone(n);
  change(views);
  await store.diamonds.save(views.record, { actor: 'test', action: 'register' });
  const readAt = '2024-05-22T08:00:00Z';
  await store.mirrors.save(views.id, 'tracr', views.ledger, { readAt, ref: `TRC-${n}` });
  await store.mirrors.save(views.id, 'gia', views.gia, { readAt, ref: String(2141438171 + n) });
  return views.id;
}
