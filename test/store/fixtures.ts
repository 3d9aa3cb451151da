import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startRedis, type TestRedis } from '../support/redis.js';

/** A client for a suite's private server. */
export function connect(server: TestRedis): Redis {
  return new Redis(server.url, { maxRetriesPerRequest: 3 });
}

/**
 * A private server for the calling suite, emptied before each test (it is the suite's own, so emptying it
 * keeps every before/after snapshot small). Call at the top of a describe; use the answer inside tests.
 */
export function suiteRedis(): () => Redis {
  let server: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedis();
    client = connect(server);
  });
  beforeEach(async () => {
    await client.flushall();
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });
  return () => client;
}

let serial = 0;

/** A fresh hash-tagged prefix, so each test sees only its own keys. */
export function freshPrefix(): string {
  serial += 1;
  return `{tbtest${serial}}:`;
}

/** A polished stone graded by GIA, with every identifier the index knows. */
export function polishedStone(overrides: Partial<DiamondRecord> = {}): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: {
      tracrId: 'TRC-0001',
      giaReportNumber: '2141438171',
      inscription: 'GIA 2141438171',
      roughControlNumber: 'RCN-77',
      producerRef: 'LOT-4-LINE-9',
      kpCertificate: 'BW-2024-0042',
    },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
    polished: {
      shape: 'round',
      caratWeight: 1.01,
      color: { scale: 'DZ', grade: 'G' },
      clarity: 'VS1',
      cut: 'EX',
    },
    ...overrides,
  };
}

/** A rough stone with only a producer reference, cheap to make in thousands. */
export function roughStone(producerRef: string): DiamondRecord {
  return { schemaVersion: '1', kind: 'rough', identifiers: { producerRef }, rough: { caratWeight: 3.127 } };
}

/**
 * Every key on the server with its type and contents, to prove a refused write changed nothing at all.
 * (DUMP is no use here: a hash in table encoding may serialise its fields in a different order.)
 */
export async function snapshot(redis: Redis): Promise<Map<string, unknown>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const contents = new Map<string, unknown>();
  // A store records its shard count once, at its first write, refused or not: not a change of state.
  for (const key of keys.sort().filter((name) => !name.endsWith(':layout'))) {
    const type = await redis.type(key);
    if (type === 'hash') contents.set(key, sortedEntries(await redis.hgetall(key)));
    else if (type === 'zset') contents.set(key, await redis.zrange(key, 0, '-1', 'WITHSCORES'));
    else if (type === 'stream') contents.set(key, await redis.xrange(key, '-', '+'));
    else if (type === 'string') contents.set(key, await redis.get(key));
    else contents.set(key, `unexpected ${type}`);
  }
  return contents;
}

function sortedEntries(hash: Record<string, string>): [string, string][] {
  return Object.entries(hash).sort(([a], [b]) => a.localeCompare(b));
}
