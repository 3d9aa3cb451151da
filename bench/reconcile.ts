/**
 * Reconciliation of 100,000 linked stones already mirrored in Redis: a full run (`reconcileAll`) against
 * merely reading the same records and platform views from Redis in pages, which is the least any run must
 * do. And the run's peak resident memory, sampled every 50 ms, against a 512 MB budget: a run pages
 * through the stones, so its memory must not grow with their number.
 */
import { Redis } from 'ioredis';
import { giaAdapter } from '../src/adapters/gia/index.js';
import { tracrAdapter } from '../src/adapters/tracr/index.js';
import { reconcileAll } from '../src/reconcile/execute-run.js';
import { createStore, type Store } from '../src/store/index.js';
import { reportedCaratWeight } from '../sim/gia/samples.js';
import type { DiamondRecord } from '../src/types/diamond.js';
import { startRedis } from '../test/support/redis.js';
import { figure, repeatedFigure, type Benchmark } from './figure.js';
import { secondsSince } from './support.js';

const stones = Number(process.env.TRACEBRIDGE_BENCH_RECONCILE_STONES ?? 100_000);
/** Stones per saveMany call while loading. */
const loadBatch = 1_000;
/** Stones per page, the run's own default. */
const pageSize = 200;
/** Every 33rd stone's GIA report grades its colour one grade lower than the ledger says (about 3%). */
const disagreeEvery = 33;
const rssBudgetMb = 512;
const rounds = 3;

export const reconcileBenchmark: Benchmark = {
  name: 'reconcile',
  async run() {
    const redis = await startRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    try {
      const store = createStore(client, { prefix: '{tbbench}:' });
      const loadStarted = process.hrtime.bigint();
      await load(store);
      process.stderr.write(
        `  loaded ${stones} stones and their mirrors in ${secondsSince(loadStarted).toFixed(1)} s\n`,
      );

      // Read and run take turns; each round's run is figured against the read of the same round.
      const readRounds: number[] = [];
      const runRounds: number[] = [];
      let peakMb = 0;
      for (let round = 1; round <= rounds; round++) {
        readRounds.push(await timed(() => readAll(store)));
        global.gc?.();
        const sampler = sampleRss();
        runRounds.push(await timed(() => runOnce(store)).finally(() => sampler.stop()));
        peakMb = Math.max(peakMb, sampler.peakMb());
        process.stderr.write(
          `  round ${round}: read ${(stones / readRounds.at(-1)!).toFixed(0)} stones/s, run ${(stones / runRounds.at(-1)!).toFixed(0)} stones/s, peak RSS ${sampler.peakMb().toFixed(0)} MB\n`,
        );
      }
      return [
        repeatedFigure(
          `reconcile: run time over ${stones} mirrored stones vs reading their records and mirrors`,
          runRounds.map((value, i) => ({ value, baseline: readRounds[i]! })),
          's',
          { ratio: 1.3, better: 'lower' },
        ),
        figure(
          `reconcile: peak RSS during the run over ${stones} stones vs budget`,
          { value: peakMb, baseline: rssBudgetMb, unit: 'MB' },
          { ratio: 1, better: 'lower' },
        ),
      ];
    } finally {
      client.disconnect();
      await redis.stop();
    }
  },
};

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return secondsSince(started);
}

/** One full run over every stone; checks it saw them all and found exactly the planted disagreements. */
export async function runOnce(store: Store, count = stones): Promise<void> {
  const { runId, progress } = await reconcileAll(store, [tracrAdapter, giaAdapter], {
    pageSize,
    actor: 'bench',
  });
  if (progress.done !== count)
    throw new Error(`bench reconcile: the run checked ${progress.done} of ${count} stones`);
  const found = await store.redis.llen(store.keys.reconcileMismatches(runId));
  const planted = Math.ceil(count / disagreeEvery);
  if (found !== planted) throw new Error(`bench reconcile: ${found} mismatches found, ${planted} planted`);
}

/**
 * Writes every stone with the store's own API, a batch at a time: the records in one saveMany call, the
 * two mirrors of each stone sent together so ioredis pipelines them into few round trips.
 */
export async function load(store: Store, count = stones): Promise<void> {
  const readAt = '2024-05-22T08:00:00.000Z';
  for (let first = 0; first < count; first += loadBatch) {
    const batch = Array.from({ length: Math.min(loadBatch, count - first) }, (_, i) =>
      linkedStone(first + i),
    );
    await store.diamonds.saveMany(
      batch.map(({ record }) => ({ record })),
      { actor: 'bench', action: 'register' },
    );
    await Promise.all(
      batch.flatMap(({ record, ledger, gia }) => [
        store.mirrors.save(record.id!, 'tracr', ledger, { readAt, ref: ledger.identifiers!.tracrId! }),
        store.mirrors.save(record.id!, 'gia', gia, { readAt, ref: gia.identifiers!.giaReportNumber! }),
      ]),
    );
  }
}

/** The baseline: every record and mirror read back a page at a time, as a run must at least do. */
async function readAll(store: Store): Promise<void> {
  let page: string[] = [];
  let read = 0;
  const readPage = async (ids: string[]): Promise<void> => {
    const [records] = await Promise.all([store.diamonds.getMany(ids), store.mirrors.getMany(ids)]);
    read += records.filter((stored) => stored !== null).length;
  };
  for await (const id of store.diamonds.ids({ pageSize })) {
    page.push(id);
    if (page.length === pageSize) {
      await readPage(page);
      page = [];
    }
  }
  if (page.length > 0) await readPage(page);
  if (read !== stones) throw new Error(`bench reconcile: read ${read} of ${stones} stones`);
}

/** Samples this process's resident set size every 50 ms until stopped. */
function sampleRss(): { stop(): void; peakMb(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
    },
    peakMb: () => peak / (1024 * 1024),
  };
}

const colours = ['D', 'E', 'F', 'G', 'H', 'I', 'J'] as const;

/**
 * Stone `n`: the bridge's record and the views the ledger and the registry hold, every identifier unique
 * to it. The views agree within the trade's tolerances (GIA prints the weight to two decimals by its
 * rounding rule, its lab measures a few hundredths of a millimetre apart), except the planted colour
 * disagreements.
 */
function linkedStone(n: number): { record: DiamondRecord; ledger: DiamondRecord; gia: DiamondRecord } {
  const id = `tb_bench${String(n).padStart(8, '0')}`;
  const reportNumber = String(5_000_000_000 + n);
  const tracrId = `TRACR-${n.toString(16).toUpperCase().padStart(12, '0')}`;
  const grade = colours[n % colours.length]!;
  const weight = Math.round((0.5 + (n % 1500) / 1000) * 1000) / 1000;
  const identifiers = { tracrId, giaReportNumber: reportNumber, inscription: `GIA ${reportNumber}` };
  const polished = {
    shape: 'round' as const,
    caratWeight: weight,
    color: { scale: 'DZ' as const, grade },
    clarity: 'VS2' as const,
    cut: 'EX' as const,
    measurements: { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 },
  };
  const grading = { lab: 'GIA', reportNumber, reportDate: '2019-09-01', reportType: 'Diamond Dossier' };
  const origin = { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' };
  const ledger: DiamondRecord = {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { tracrId, giaReportNumber: reportNumber },
    origin,
    polished,
  };
  const giaGrade = n % disagreeEvery === 0 ? colours[(n + 1) % colours.length]! : grade;
  const gia: DiamondRecord = {
    schemaVersion: '1',
    kind: 'polished',
    identifiers,
    polished: {
      ...polished,
      caratWeight: reportedCaratWeight(weight),
      color: { scale: 'DZ', grade: giaGrade },
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.47, maxDiameterMm: 6.49, depthMm: 3.99 },
    },
    grading,
  };
  return { record: { ...ledger, id, identifiers, grading }, ledger, gia };
}
