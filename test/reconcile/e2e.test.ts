/**
 * Reconciliation end to end: stones registered through the bridge and synced by the real workers to the
 * GIA-style registry and the Tracr-style ledger (both simulators over HTTP), disagreements made the way
 * they happen in the trade, and runs queued as jobs that read the platforms again before comparing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter, reportFromCanonical } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { registerMany } from '../../src/sync/register.js';
import { applyRunCorrections } from '../../src/reconcile/apply-run.js';
import { enqueueRun } from '../../src/reconcile/run-jobs.js';
import { diamondOfJobId } from '../../src/queue/job-ids.js';
import { getRun, startRun, type RunReport } from '../../src/store/reconcile-runs.js';
import type { DiamondRecord, PolishedStone } from '../../src/types/diamond.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { participantKeyFromSeed, signTransaction, startTracrSimulator } from '../../sim/tracr/index.js';
import { jobCounts, openBridge, testConfig, waitUntil, type TestBridge } from '../queue/support.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let redis: TestRedis;
let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
let bridge: TestBridge;
// The bridge here is run by the cutter, who buys the producer's rough and polishes it on the ledger.
const cutter = 'antwerp-cutting';

beforeAll(async () => {
  redis = await startRedis();
  gia = await startGiaSimulator({ port: 0, apiKey: 'gia-key' });
  tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 0 });
  bridge = openBridge(testConfig(redis), [giaAdapter, tracrAdapter]);
  const clients = new Map<string, PlatformClient>([
    ['gia', giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey: 'gia-key', timeoutMs: 5_000 })],
    [
      'tracr',
      tracrAdapter.connect({
        url: tracr.url,
        apiKey: 'tracr-key',
        participantId: cutter,
        privateKey: participantKeyFromSeed(`tracr-sim:${cutter}`).privateKey,
        timeoutMs: 5_000,
      }),
    ],
  ]);
  // The embedded workers include the reconcile worker, as in `tracebridge serve`.
  await bridge.startWorkers(clients);
});
afterAll(async () => {
  await bridge.close();
  await Promise.all([gia.close(), tracr.close()]);
  await redis.stop();
});

/** Registers through the bridge and waits until every sync job has finished. */
async function registerAndSync(records: DiamondRecord[]): Promise<string[]> {
  const registrations = await registerMany(bridge, records, { actor: 'test' });
  await settled();
  return registrations.map((registration) => registration.id);
}

async function settled(): Promise<void> {
  await waitUntil('every sync job has finished', async () => {
    const counts = await jobCounts(bridge.queues);
    return counts.waiting === 0 && counts.active === 0 && counts.delayed === 0 && counts.prioritized === 0;
  });
}

/** A signed ledger transaction from `participantId`; answers the stone it is about. */
async function ledgerTx(
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
): Promise<string> {
  const tx = { type, participantId, nonce: `e2e-${randomUUID()}`, timestamp: Date.now(), payload };
  const { privateKey } = participantKeyFromSeed(`tracr-sim:${participantId}`);
  const answer = await fetch(`${tracr.url}/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'tracr-key' },
    body: JSON.stringify({ tx, signature: signTransaction(tx, privateKey) }),
  });
  const body = (await answer.json()) as { diamondId: string };
  expect(answer.status, JSON.stringify(body)).toBe(202);
  return body.diamondId;
}

/** The producer registers a rough on the ledger and sells it to the cutter; answers its Tracr ID. */
async function roughOnLedger(caratWeight: number): Promise<string> {
  const tracrId = await ledgerTx('demo-mining', 'REGISTER_ROUGH', { caratWeight, sourceCountry: 'BW' });
  await ledgerTx('demo-mining', 'TRANSFER', { diamondId: tracrId, to: cutter });
  return tracrId;
}

/** A polished stone the cutter registers, cut from a rough it holds on the ledger, for GIA to grade. */
function polishedFrom(roughTracrId: string, reportNumber: string, polished: PolishedStone): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { giaReportNumber: reportNumber },
    polished,
    extensions: { tracr: { parentId: roughTracrId } },
  };
}

/** The lab issues (or re-issues) its report on the stone, as GIA would print it. */
async function issueReport(reportNumber: string, polished: PolishedStone): Promise<void> {
  const { value } = reportFromCanonical({
    schemaVersion: '1',
    kind: 'polished',
    identifiers: { giaReportNumber: reportNumber },
    polished,
    grading: { lab: 'GIA', reportNumber, reportDate: '2024-05-01', reportType: 'Diamond Grading Report' },
  });
  const answer = await fetch(`${gia.url}/admin/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  expect(answer.ok, await answer.text()).toBe(true);
}

/** Queues a run that reads the platforms again for `ids`, and waits for the worker to finish it. */
async function reconcile(ids: string[]): Promise<RunReport> {
  const runId = await startRun(bridge.store, { ids }, { actor: 'test' });
  await enqueueRun(bridge.queues.reconcile, runId, { refresh: true });
  const run = await waitUntil('the run finishes', async () => {
    const report = await getRun(bridge.store, runId);
    return report?.status === 'running' ? null : report;
  });
  expect(run.status, run.error).toBe('done');
  return run;
}

const round = (caratWeight: number, grade: 'E' | 'F' | 'G' | 'H', minDiameterMm: number): PolishedStone => ({
  shape: 'round',
  caratWeight,
  color: { scale: 'DZ', grade },
  clarity: 'VS1',
  cut: 'EX',
  polish: 'EX',
  symmetry: 'EX',
  fluorescence: { intensity: 'NON' },
  measurements: { minDiameterMm, maxDiameterMm: 6.5, depthMm: 3.98 },
});

describe('reconciliation on the simulators', () => {
  const stones: Record<'tolerant' | 'regraded' | 'edited' | 'ledgerOnly' | 'heavyRough', string> =
    {} as never;
  let children: string[] = [];
  let first: RunReport;

  beforeAll(async () => {
    const roughs = await Promise.all([2.5, 2.5, 2.5, 2.5].map((weight) => roughOnLedger(weight)));
    const reports = ['5510000001', '5510000002', '5510000003', '5510000004'];
    const cut = [round(1.768, 'F', 6.47), round(1.01, 'F', 6.45), round(0.9, 'G', 6.2), round(0.7, 'E', 5.7)];
    const polished = cut.map((stone, i) => polishedFrom(roughs[i]!, reports[i]!, stone));
    // GIA measured the first stone's girdle at 6.45 mm where the ledger says 6.47, and prints 1.768 ct as
    // "1.76 carat"; the fourth stone never went to the lab.
    await issueReport(reports[0]!, {
      ...cut[0]!,
      measurements: { ...cut[0]!.measurements!, minDiameterMm: 6.45 },
    });
    await issueReport(reports[1]!, cut[1]!);
    await issueReport(reports[2]!, cut[2]!);
    const [tolerant, regraded, edited, ledgerOnly] = await registerAndSync(polished);
    Object.assign(stones, { tolerant, regraded, edited, ledgerOnly });

    // The cutter links a 1.000 ct rough from the ledger through the bridge, with its intake control number.
    const heavyTracrId = await roughOnLedger(1);
    const [heavyRough] = await registerAndSync([
      {
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { tracrId: heavyTracrId, roughControlNumber: `RCN-E2E-${randomUUID().slice(0, 8)}` },
        origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
        rough: { caratWeight: 1 },
      },
    ]);
    stones.heavyRough = heavyRough!;

    // The producer declares two polished stones cut from the 1.000 ct rough that weigh 1.200 ct together.
    const heavy = {
      shape: 'oval' as const,
      color: { scale: 'DZ' as const, grade: 'G' as const },
      clarity: 'SI1' as const,
    };
    children = await registerAndSync(
      [0.6, 0.6].map((caratWeight) => ({
        schemaVersion: '1',
        kind: 'polished',
        owner: { org: 'demo-mining' },
        polished: { ...heavy, caratWeight },
        lineage: { parentId: stones.heavyRough },
      })),
    );
    const parent = await bridge.store.diamonds.get(stones.heavyRough);
    await registerAndSync([{ ...parent!.record, lineage: { childIds: children } }]);

    // The lab re-issues the second report with another colour; the ledger's weight of the third is edited.
    await issueReport(reports[1]!, { ...cut[1]!, color: { scale: 'DZ', grade: 'G' } });
    const edited3 = await bridge.store.diamonds.get(stones.edited);
    await ledgerTx(cutter, 'UPDATE', {
      diamondId: edited3!.record.identifiers!.tracrId,
      set: { polished: { caratWeight: 0.85 } },
    });

    first = await reconcile([...Object.values(stones), ...children]);
  }, 120_000);

  const mismatchesOf = (run: RunReport, id: string) => run.mismatches.filter((m) => m.diamondId === id);

  it('finds no mismatch where the tolerances agree: 1.768 ct against "1.76 carat", 6.45 mm against 6.47 mm', () => {
    expect(mismatchesOf(first, stones.tolerant)).toEqual([]);
    expect(first.unmatched.filter((u) => u.diamondId === stones.tolerant)).toEqual([]);
  });

  it("finds the lab's re-issued colour, with GIA as the authority", () => {
    expect(mismatchesOf(first, stones.regraded)).toEqual([
      expect.objectContaining({
        field: 'polished.color',
        values: {
          bridge: { scale: 'DZ', grade: 'F' },
          gia: { scale: 'DZ', grade: 'G' },
          tracr: { scale: 'DZ', grade: 'F' },
        },
        severity: 'critical',
        authority: 'gia',
      }),
    ]);
  });

  it('finds the weight edited on the ledger', () => {
    expect(mismatchesOf(first, stones.edited)).toEqual([
      expect.objectContaining({
        field: 'polished.caratWeight',
        values: { bridge: 0.9, gia: 0.9, tracr: 0.85 },
        authority: 'gia',
      }),
    ]);
  });

  it('reports a stone held on one platform only', () => {
    const entry = first.unmatched.find((unmatched) => unmatched.diamondId === stones.ledgerOnly);
    expect(entry).toMatchObject({ platform: 'tracr' });
    expect(entry?.reason).toContain('not found on gia');
  });

  it('reports polished children heavier than their rough', () => {
    expect(mismatchesOf(first, stones.heavyRough)).toContainEqual(
      expect.objectContaining({ field: 'lineage.childIds', rule: 'mass-balance', severity: 'critical' }),
    );
  });

  it('applying the corrections makes the next run clean for those stones', async () => {
    const applied = await applyRunCorrections(
      { store: bridge.store, queues: bridge.queues, adapters: [giaAdapter, tracrAdapter] },
      first.runId,
      { actor: 'compliance:ana', ids: [stones.regraded, stones.edited] },
    );
    expect(applied.applied.map((change) => [change.diamondId, change.field, change.to])).toEqual([
      [stones.regraded, 'polished.color', { scale: 'DZ', grade: 'G' }],
      [stones.edited, 'polished.caratWeight', 0.9],
    ]);
    expect(applied.jobs.map((job) => job.platform)).toEqual(['tracr', 'tracr']);
    await settled();
    for (const { id } of applied.jobs)
      expect(await bridge.queues.sync('tracr', diamondOfJobId(id)!).getJobState(id), id).toBe('completed');
    const audit = await bridge.store.audit.history(stones.regraded);
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'compliance:ana', action: 'reconcile.apply' }),
    );

    const second = await reconcile([stones.regraded, stones.edited]);
    expect(second.mismatches).toEqual([]);
    expect(second.unmatched).toEqual([]);
  }, 60_000);
});
