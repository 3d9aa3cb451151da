/**
 * GIA's change feed costs what is new: a pull reads on from GIA's own `endCursor`, the bridge's cursor stays
 * small however long the feed, the feed is cleared once what it handed out is stored, and a pull that stops
 * half-way resumes where it stopped. Against the GIA-style simulator, whose admin state counts feed calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage, PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { gradingReport, labIssues, lookUpOnPlan } from './platform-support.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

const plans = ['plan-drain', 'plan-crash', 'plan-unacknowledged', 'plan-old-cursor', 'plan-lease'];
const pageSize = 50;
/** Changed reports the drain test puts on GIA's feed (fewer for a quick local run). */
const drained = Number(process.env.TRACEBRIDGE_TEST_FEED_CHANGES ?? 30_000);

type Client = PlatformClient & { acknowledge?(cursor: string | null): Promise<void> };

describe('GIA change feed paging', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  const bridges: TestBridge[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({
      port: 0,
      apiKey: plans[0]!,
      // The drained plan looks every report up once.
      quota: drained + 100,
      plans: plans.slice(1).map((apiKey) => ({ apiKey })),
      seed: false,
    });
  });
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await gia.close();
    await redis.stop();
  });

  function giaClient(apiKey: string): Client {
    return giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey, changesPageSize: pageSize });
  }

  /** A bridge of its own, pulling through `client` (by default the plan's own GIA client). */
  function bridgeOn(client: Client, options: Partial<FeedContext> = {}) {
    const bridge = openBridge(testConfig(redis), [giaAdapter]);
    bridges.push(bridge);
    const context: FeedContext = {
      adapters: bridge.adapters,
      clients: new Map<string, PlatformClient>([['gia', client]]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
      maxPages: 10,
      ...options,
    };
    return { bridge, context, pull: (holder?: string) => pullFeed(context, 'gia', holder) };
  }

  /** `count` reports issued, looked up on the plan, and re-issued by the lab: all on the plan's feed. */
  async function changedOnPlan(apiKey: string, first: number, count: number): Promise<string[]> {
    const numbers = Array.from({ length: count }, (_, i) => String(first + i));
    const issueAll = async (comment?: string) => {
      for (let start = 0; start < count; start += 25) {
        const batch = numbers.slice(start, start + 25);
        await Promise.all(
          batch.map((reportNumber) =>
            labIssues(gia.url, gradingReport({ reportNumber, ...(comment ? { comment } : {}) })),
          ),
        );
      }
    };
    await issueAll();
    await lookUpOnPlan(gia.url, apiKey, numbers);
    await issueAll('Re-examined.');
    return numbers;
  }

  async function planState(apiKey: string) {
    const state = (await (await fetch(`${gia.url}/admin/state`)).json()) as {
      plans: { pendingChanges: number; feedReads: number; feedClears: number }[];
    };
    return state.plans[plans.indexOf(apiKey)]!;
  }

  it(`drains ${drained.toLocaleString('en')} changes in about one call per page, with a cursor under 1 KB throughout`, async () => {
    const apiKey = 'plan-drain';
    const total = drained;
    await changedOnPlan(apiKey, 8_100_000_000, total);
    const { bridge, pull } = bridgeOn(giaClient(apiKey));
    let stored = 0;
    let longestCursor = 0;
    // Each pull reads up to ten pages; a few more pulls than that needs, to see the feed found empty.
    for (let pulls = 0; pulls < total / pageSize / 10 + 5; pulls++) {
      const result = await pull();
      stored += result.stored;
      longestCursor = Math.max(longestCursor, (await bridge.store.cursors.getCursor('gia'))?.length ?? 0);
      if (result.changes === 0) break;
    }
    const state = await planState(apiKey);
    expect(stored).toBe(total);
    expect(await bridge.store.diamonds.count()).toBe(total);
    expect(state.pendingChanges).toBe(0);
    expect(state.feedClears).toBe(1);
    // One read per page, one to check nothing came in before the clear, one by the pull that found nothing new.
    expect(state.feedReads).toBeLessThanOrEqual(total / pageSize + 3);
    expect(longestCursor).toBeGreaterThan(0);
    expect(longestCursor).toBeLessThan(1_024);
  }, 300_000);

  it('a pull that stops between pages resumes at the page whose cursor was not stored, storing each report once', async () => {
    const apiKey = 'plan-crash';
    await changedOnPlan(apiKey, 8_200_000_000, 5 * pageSize);
    const client = giaClient(apiKey);
    let calls = 0;
    // The third page is read from GIA, then the worker dies before the bridge stores it.
    const crashing: Client = {
      ...client,
      changes: async (cursor): Promise<ChangePage> => {
        const page = await client.changes!(cursor);
        if (++calls === 3) throw new Error('worker died');
        return page;
      },
      acknowledge: (cursor) => client.acknowledge!(cursor),
    };
    const { bridge, context, pull } = bridgeOn(crashing);
    await expect(pull()).rejects.toThrow('worker died');
    expect(await bridge.store.diamonds.count()).toBe(2 * pageSize);
    const readBefore = (await planState(apiKey)).feedReads;
    expect(readBefore).toBe(3);

    // The next worker, with a client of its own.
    context.clients = new Map([['gia', client]]);
    const resumed = await pull();
    expect(resumed).toMatchObject({ changes: 3 * pageSize, stored: 3 * pageSize, rejected: 0 });
    expect(await bridge.store.diamonds.count()).toBe(5 * pageSize);
    const state = await planState(apiKey);
    // Pages three to five, and the check before the clear: nothing before page three is read again.
    expect(state.feedReads - readBefore).toBe(4);
    expect(state).toMatchObject({ pendingChanges: 0, feedClears: 1 });
  }, 60_000);

  it('a pull that stored the last page but did not clear the feed re-reads only that page, then clears it', async () => {
    const apiKey = 'plan-unacknowledged';
    await changedOnPlan(apiKey, 8_300_000_000, 3 * pageSize);
    const client = giaClient(apiKey);
    // The worker dies after storing the last page's cursor, before GIA's feed is cleared.
    const dying: Client = {
      ...client,
      changes: (cursor) => client.changes!(cursor),
      acknowledge: async (cursor) => {
        if ((await planState(apiKey)).feedReads === 3) throw new Error('worker died');
        await client.acknowledge!(cursor);
      },
    };
    const { bridge, context, pull } = bridgeOn(dying);
    await expect(pull()).rejects.toThrow('worker died');
    expect(await planState(apiKey)).toMatchObject({ feedReads: 3, pendingChanges: 3 * pageSize });

    context.clients = new Map([['gia', client]]);
    expect(await pull()).toMatchObject({ changes: 0, stored: 0 });
    expect(await planState(apiKey)).toMatchObject({ feedReads: 4, feedClears: 1, pendingChanges: 0 });
    expect(await bridge.store.diamonds.count()).toBe(3 * pageSize);
  }, 60_000);

  it("a cursor the previous version left is read from the start of GIA's feed, not refused", async () => {
    const apiKey = 'plan-old-cursor';
    const numbers = await changedOnPlan(apiKey, 8_400_000_000, 60);
    const { bridge, pull } = bridgeOn(giaClient(apiKey));
    const seen = Object.fromEntries(numbers.slice(0, 30).map((number) => [number, '0123456789abcdef']));
    const oldCursor = `gia-feed.1.${Buffer.from(JSON.stringify(seen)).toString('base64url')}`;
    await bridge.store.cursors.setCursor('gia', oldCursor);

    expect(await pull()).toMatchObject({ changes: 60, stored: 60, rejected: 0 });
    expect(await bridge.store.diamonds.count()).toBe(60);
    expect(await bridge.store.cursors.getCursor('gia')).not.toMatch(/^gia-feed\.1\./);
    expect(await planState(apiKey)).toMatchObject({ pendingChanges: 0, feedClears: 1 });
  }, 60_000);

  it('renews the feed lease while a long pull runs, so a second pull never overlaps it', async () => {
    const apiKey = 'plan-lease';
    await changedOnPlan(apiKey, 8_500_000_000, 5 * pageSize);
    const client = giaClient(apiKey);
    // Each page takes longer than half the lease: the whole pull takes several leases' time.
    const slow: Client = {
      ...client,
      changes: async (cursor) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return client.changes!(cursor);
      },
      acknowledge: (cursor) => client.acknowledge!(cursor),
    };
    const { pull } = bridgeOn(slow, { leaseMs: 300 });
    const long = pull('long');
    await new Promise((resolve) => setTimeout(resolve, 700));
    const overlapping = await pull('overlapping');
    expect(overlapping.skipped).toBe(true);
    expect(await long).toMatchObject({ changes: 5 * pageSize, stored: 5 * pageSize });
  }, 60_000);
});
