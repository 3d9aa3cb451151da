/**
 * A change feed never stalls: a change that cannot be stored (a report the adapter cannot map, an
 * identifier another stone holds) is recorded as rejected for an operator and skipped, and the feed moves
 * on; and GIA's cursor stays small however many reports changed. Pulls run directly (no scheduler), against the GIA-style simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { pullFeed, type FeedContext } from '../../src/sync/feeds.js';
import {
  listRejectedChanges,
  recordRejectedChanges,
  REJECTED_CHANGES_KEPT,
} from '../../src/sync/rejected.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { gradingReport, labIssues, lookUpOnPlan } from './platform-support.js';
import { openBridge, testConfig, type TestBridge } from './support.js';

const plans = ['plan-many', 'plan-unmappable', 'plan-conflict', 'plan-list'];

describe('change-feed robustness', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  const bridges: TestBridge[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({
      port: 0,
      apiKey: plans[0]!,
      plans: plans.slice(1).map((apiKey) => ({ apiKey })),
      seed: false,
    });
  });
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
    await gia.close();
    await redis.stop();
  });

  /** A bridge of its own on plan `apiKey`, and a way to pull that plan's feed once. */
  function bridgeOn(apiKey: string): { bridge: TestBridge; pull: () => ReturnType<typeof pullFeed> } {
    const bridge = openBridge(testConfig(redis), [giaAdapter]);
    bridges.push(bridge);
    const context: FeedContext = {
      adapters: bridge.adapters,
      clients: new Map<string, PlatformClient>([
        ['gia', giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey })],
      ]),
      store: bridge.store,
      queues: bridge.queues,
      redis: bridge.connection,
      prefix: bridge.config.prefix,
      leaseMs: 30_000,
      maxPages: 100,
    };
    return { bridge, pull: () => pullFeed(context, 'gia') };
  }

  /** The lab issues the reports, the plan looks them up, and the lab re-issues them: all on the plan's feed. */
  async function changedOnPlan(apiKey: string, reports: Record<string, unknown>[]): Promise<void> {
    for (const report of reports) await labIssues(gia.url, report);
    await lookUpOnPlan(
      gia.url,
      apiKey,
      reports.map((report) => String(report.report_number)),
    );
    for (const report of reports) {
      const results = report.results as Record<string, unknown>;
      await labIssues(gia.url, { ...report, results: { ...results, report_comments: 'Re-examined.' } });
    }
  }

  async function pendingChanges(apiKey: string): Promise<number> {
    const state = (await (await fetch(`${gia.url}/admin/state`)).json()) as {
      plans: { plan: string; pendingChanges: number }[];
    };
    return state.plans[plans.indexOf(apiKey)]?.pendingChanges ?? -1;
  }

  it('300 changed reports are stored in one pull, with a cursor of a few hundred bytes, and the feed is then cleared', async () => {
    const { bridge, pull } = bridgeOn('plan-many');
    const numbers = Array.from({ length: 300 }, (_, i) => String(7_400_000_000 + i));
    await changedOnPlan(
      'plan-many',
      numbers.map((reportNumber) => gradingReport({ reportNumber })),
    );
    expect(await pendingChanges('plan-many')).toBe(300);

    const first = await pull();
    expect(first).toMatchObject({ changes: 300, stored: 300, rejected: 0 });
    expect((await bridge.store.cursors.getCursor('gia'))!.length).toBeLessThan(512);
    expect(await bridge.store.diamonds.count()).toBe(300);
    expect(await bridge.store.identity.resolve('gia', numbers[299]!)).toMatch(/^tb_/);

    const second = await pull();
    expect(second).toMatchObject({ changes: 0, stored: 0 });
    expect(await pendingChanges('plan-many')).toBe(0);
    expect((await bridge.store.cursors.getCursor('gia'))!.length).toBeLessThan(100);
  }, 60_000);

  it('a report the adapter cannot map is recorded as rejected and skipped; the rest is stored and the feed moves on', async () => {
    const { bridge, pull } = bridgeOn('plan-unmappable');
    await changedOnPlan('plan-unmappable', [
      gradingReport({ reportNumber: '7500000001', caratWeight: 'about half a carat' }),
      gradingReport({ reportNumber: '7500000002' }),
    ]);

    const first = await pull();
    expect(first).toMatchObject({ changes: 2, stored: 1, rejected: 1 });
    expect(await bridge.store.identity.resolve('gia', '7500000002')).toMatch(/^tb_/);
    expect(await bridge.store.identity.resolve('gia', '7500000001')).toBeNull();
    const [rejected] = await listRejectedChanges(bridge.store);
    expect(rejected).toMatchObject({ platform: 'gia', ref: '7500000001', actor: 'feed:gia' });
    expect(rejected?.reason).toMatch(/carat_weight.*about half a carat/);
    const audit = await bridge.store.audit.recent();
    expect(audit.find((entry) => entry.action === 'change-rejected')).toMatchObject({
      platform: 'gia',
      detail: { ref: '7500000001' },
    });

    expect(await pull()).toMatchObject({ changes: 0, rejected: 0 });
    expect(await pendingChanges('plan-unmappable')).toBe(0);
  });

  it('a change claiming an identifier another stone holds is rejected; the rest of the page is stored', async () => {
    const { bridge, pull } = bridgeOn('plan-conflict');
    const other = await bridge.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'polished',
        identifiers: { giaReportNumber: '7600000099', inscription: 'LASER 7600' },
        polished: { shape: 'oval', caratWeight: 1.01 },
      },
      { actor: 'test', action: 'register' },
    );
    await changedOnPlan('plan-conflict', [
      gradingReport({ reportNumber: '7600000001', inscription: 'LASER 7600' }),
      gradingReport({ reportNumber: '7600000002' }),
    ]);

    expect(await pull()).toMatchObject({ changes: 2, stored: 1, rejected: 1 });
    const [rejected] = await listRejectedChanges(bridge.store);
    expect(rejected).toMatchObject({ platform: 'gia', ref: '7600000001' });
    expect(rejected?.reason).toContain(
      `identifiers.inscription "LASER 7600" already belongs to stone ${other.id}`,
    );
    expect(await bridge.store.identity.resolve('gia', '7600000002')).toMatch(/^tb_/);
    expect(await bridge.store.diamonds.count()).toBe(2);
    expect(await pull()).toMatchObject({ changes: 0 });
    expect(await pendingChanges('plan-conflict')).toBe(0);
  });

  it(`keeps only the newest ${REJECTED_CHANGES_KEPT} rejected changes in the operators' list`, async () => {
    const { bridge } = bridgeOn('plan-list');
    const rejections = Array.from({ length: REJECTED_CHANGES_KEPT + 5 }, (_, i) => ({
      ref: `R-${i}`,
      reason: `reason ${i}`,
    }));
    await recordRejectedChanges(bridge.store, 'gia', rejections, { actor: 'test' });
    expect(await bridge.connection.llen(bridge.store.keys.rejectedChanges)).toBe(REJECTED_CHANGES_KEPT);
    const [newest] = await listRejectedChanges(bridge.store, { count: 1 });
    expect(newest?.ref).toBe(`R-${REJECTED_CHANGES_KEPT + 4}`);
  });
});
