/**
 * Feeds never stall, for any adapter: a third-party adapter whose feed hands over native records (the
 * mapping left to the bridge) and one of them unreadable gets the unreadable one set aside as a rejected
 * change, with its reason, by the feed machinery; the good ones are stored and the cursor moves past all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChangePage,
  ConnectOptions,
  PlatformClient,
  PlatformRecord,
} from '../../src/adapters/contract.js';
import { defineAdapter } from '../../src/adapters/define.js';
import { MappingError } from '../../src/mapping/errors.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { listRejectedChanges } from '../../src/sync/rejected.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

/** A consignment ledger's line: a parcel of polished goods with its weight. */
interface ParcelLine {
  lot: string;
  carats: unknown;
}

function toCanonical(line: ParcelLine): { value: DiamondRecord; loss: [] } {
  if (typeof line.carats !== 'number' || !(line.carats > 0))
    throw new MappingError('/carats', line.carats, 'a weight in carats, above 0');
  return {
    value: {
      schemaVersion: '1',
      kind: 'polished',
      identifiers: { giaReportNumber: line.lot },
      polished: { shape: 'round', caratWeight: line.carats, color: { scale: 'DZ', grade: 'G' } },
    },
    loss: [],
  };
}

const lines: ParcelLine[] = [
  { lot: '7300000001', carats: 0.51 },
  { lot: '7300000002', carats: 'about half a carat' },
  { lot: '7300000003', carats: 0.62 },
];

/** A read-only adapter whose feed hands over its natives, one page, the mapping left to the bridge. */
const consignment = defineAdapter<ParcelLine, ConnectOptions>({
  name: 'consignment',
  description: 'A consignment ledger that reads parcels out to the bridge',
  capabilities: {
    read: true,
    write: false,
    changeFeed: true,
    batchWriteSize: 1,
    finality: 'immediate',
    writes: [],
  },
  authoritative: [],
  toCanonical,
  fromCanonical: () => {
    throw new MappingError('/', null, 'nothing: the consignment ledger is read-only');
  },
  connect: (): PlatformClient<ParcelLine> => ({
    get: () => Promise.resolve(null),
    find: () => Promise.resolve([]),
    put: () => Promise.reject(new Error('read-only')),
    changes: (cursor): Promise<ChangePage<ParcelLine>> =>
      Promise.resolve(
        cursor === 'page-1'
          ? { changes: [], cursor, more: false }
          : {
              changes: lines.map((line) => ({ ref: line.lot, native: line }) as PlatformRecord<ParcelLine>),
              cursor: 'page-1',
              more: false,
            },
      ),
    health: () => Promise.resolve({ ok: true, latencyMs: 0 }),
  }),
});

describe('a third-party feed with one unreadable record among good ones', () => {
  let redis: TestRedis;
  let bridge: TestBridge;

  beforeAll(async () => {
    redis = await startRedis();
    bridge = openBridge(testConfig(redis), [consignment]);
  });
  afterAll(async () => {
    await bridge.close();
    await redis.stop();
  });

  it('stores the good records, sets the bad one aside with its reason, and moves the cursor on', async () => {
    const context: FeedContext = {
      adapters: bridge.adapters,
      clients: new Map([['consignment', consignment.connect({ url: 'http://unused', apiKey: 'k' })]]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
    };
    const pulled = await pullFeed(context, 'consignment');
    expect(pulled).toMatchObject({ changes: 3, stored: 2, rejected: 1 });
    expect(await bridge.store.cursors.getCursor('consignment')).toBe('page-1');
    expect(await bridge.store.diamonds.count()).toBe(2);
    const [rejected] = await listRejectedChanges(bridge.store);
    expect(rejected).toMatchObject({ platform: 'consignment', ref: '7300000002', actor: 'feed:consignment' });
    expect(rejected!.reason).toContain('/carats');
    expect(rejected!.reason).toContain('about half a carat');
  });
});
