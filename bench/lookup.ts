/**
 * Lookup latency and throughput: the HTTP API's cross-platform provenance lookup against a bare proxy that
 * does the least any lookup must (one Redis read, one GET to each platform, one JSON.stringify; see
 * bare-proxy.ts), with the same clients, the same simulators and the same injected delays (Tracr +40 ms,
 * GIA +80 ms), each in a process of its own. The two take turns, round after round, and each figure is the
 * median of the rounds with its spread:
 * - p50 and p99 under 50 closed-loop clients, as ratios to the proxy's;
 * - p50 at an open-loop 100 lookups/s (arrivals on a clock, not waiting for answers), as a ratio to the
 *   slowest platform's delay: what a caller sees when the bridge is not the bottleneck;
 * - lookups/s at saturation (no injected delay, 50 clients): the API's CPU cost per lookup, as a ratio to
 *   the proxy's throughput.
 * Also: a repeated lookup of an unchanged GIA report spends no quota.
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { demoApiKeys } from '../src/api/demo-keys.js';
import { spawnNode } from '../src/ops/processes.js';
import { packageRoot } from '../src/package-root.js';
import { documentedReportNumber } from '../sim/gia/samples.js';
import { startRedis } from '../test/support/redis.js';
import type { ProxyRoute } from './bare-proxy.js';
import { figure, repeatedFigure, type Benchmark, type Sample } from './figure.js';
import {
  benchParticipant,
  benchParticipantKey,
  cpuSnapshot,
  cpuSpent,
  forEachLimited,
  ownCpuSeconds,
  percentile,
  processCpuSeconds,
  redisCpuSeconds,
  roughStone,
  secondsSince,
  simulatorAdmin,
  spawnSimulator,
  spawnTracebridge,
  waitFor,
  type SpawnedProcess,
} from './support.js';

const registeredStones = 50;
const clients = Number(process.env.TRACEBRIDGE_BENCH_LOOKUP_CLIENTS ?? 50);
const lookups = Number(process.env.TRACEBRIDGE_BENCH_LOOKUPS ?? 3000);
const rounds = Number(process.env.TRACEBRIDGE_BENCH_LOOKUP_ROUNDS ?? 3);
const openLoopRate = 100;
const openLoopLookups = Number(process.env.TRACEBRIDGE_BENCH_OPEN_LOOP_LOOKUPS ?? 600);
const repeats = 100;
const tracrLatencyMs = 40;
const giaLatencyMs = 80;
const slowestMs = Math.max(tracrLatencyMs, giaLatencyMs);
const tracrKey = 'tracr-sandbox-key';
const giaKey = 'gia-sandbox-key';

/** One lookup: the query string after `/v1/lookup?`, and what kind of identifier it asks by. */
interface Query {
  kind: 'id' | 'tracrId';
  search: string;
}

/** Latencies of one closed-loop run and how long it took. */
interface Run {
  latencies: number[];
  perSecond: number;
}

export const lookupBenchmark: Benchmark = {
  name: 'lookup',
  async run() {
    const redis = await startRedis();
    const spawned: SpawnedProcess[] = [];
    let statsRedis: Redis | undefined;
    try {
      const [tracr, gia] = await Promise.all([spawnSimulator('tracr'), spawnSimulator('gia')]);
      spawned.push(tracr, gia);
      // The API runs as a deployment runs it, `tracebridge serve` in a process of its own: clients sharing
      // its event loop would bill their own work to every lookup's latency.
      const apiProcess = await spawnTracebridge(
        'the API',
        ['serve', '--port', '0'],
        /tracebridge API on (\S+)/,
        apiEnvironment(redis.url, tracr.url, gia.url),
      );
      spawned.push(apiProcess);
      const proxyProcess = await spawnNode(
        'the bare proxy',
        [join(packageRoot, 'dist', 'bench', 'bare-proxy.js')],
        /bare proxy on (\S+)/,
        {
          REDIS_URL: redis.url,
          TRACR_URL: tracr.url,
          GIA_URL: gia.url,
          TRACR_API_KEY: tracrKey,
          GIA_API_KEY: giaKey,
        },
      );
      const proxy: SpawnedProcess = {
        url: proxyProcess.url,
        cpuSeconds: () => processCpuSeconds(proxyProcess.pid),
        stop: () => proxyProcess.stop(),
      };
      spawned.push(proxy);
      const api = apiProcess.url;
      statsRedis = new Redis(redis.url, { maxRetriesPerRequest: 2 });
      const stats = statsRedis;

      const stones = await registerAndSync(api);
      process.stderr.write(`  ${stones.length} stones registered and synced to both platforms\n`);
      const queries: Query[] = [
        ...stones.map(({ id }) => ({ kind: 'id' as const, search: `id=${id}` })),
        ...stones.map(({ tracrId }) => ({ kind: 'tracrId' as const, search: `tracrId=${tracrId}` })),
      ];
      for (const stone of stones) {
        const route: ProxyRoute = {
          tracr: `/v1/diamonds/${stone.tracrId}`,
          gia: `/m2m/v1/rough/${encodeURIComponent(stone.roughControlNumber)}`,
        };
        for (const search of [`id=${stone.id}`, `tracrId=${stone.tracrId}`])
          await stats.set(`bareproxy:${search}`, JSON.stringify(route));
      }
      // Each distinct query once first through both, as in a bridge that has been serving for a while.
      for (const url of [api, proxy.url])
        await forEachLimited(queries, 10, async (query) => void (await lookup(url, query)));
      process.stderr.write('  warmed up: each query once through the API and the bare proxy\n');

      const parts = {
        API: apiProcess.cpuSeconds,
        proxy: proxy.cpuSeconds,
        clients: ownCpuSeconds,
        tracr: tracr.cpuSeconds,
        gia: gia.cpuSeconds,
        redis: () => redisCpuSeconds(stats),
      };
      const closedLoop = async (url: string, what: string, round: number): Promise<Run> => {
        const before = await cpuSnapshot(parts);
        const run = await runClosedLoop(url, queries);
        process.stderr.write(
          `  round ${round} ${what}: ${run.perSecond.toFixed(0)} lookups/s, p50 ${percentile(run.latencies, 0.5).toFixed(1)} ms, ` +
            `p99 ${percentile(run.latencies, 0.99).toFixed(1)} ms; CPU s: ${cpuSpent(before, await cpuSnapshot(parts))}\n`,
        );
        return run;
      };

      const delays = async (tracrMs: number, giaMs: number): Promise<void> => {
        await simulatorAdmin(tracr.url, '/admin/faults', { latencyMs: tracrMs });
        await simulatorAdmin(gia.url, '/admin/faults', { latencyMs: giaMs });
      };
      await delays(tracrLatencyMs, giaLatencyMs);
      const p50: Sample[] = [];
      const p99: Sample[] = [];
      const openLoop: Sample[] = [];
      for (let round = 1; round <= rounds; round++) {
        const bare = await closedLoop(proxy.url, 'bare proxy, delayed platforms', round);
        const bridge = await closedLoop(api, 'API, delayed platforms', round);
        p50.push({ value: percentile(bridge.latencies, 0.5), baseline: percentile(bare.latencies, 0.5) });
        p99.push({ value: percentile(bridge.latencies, 0.99), baseline: percentile(bare.latencies, 0.99) });
        const open = await runOpenLoop(api, queries);
        process.stderr.write(
          `  round ${round} API at ${openLoopRate}/s open loop: p50 ${percentile(open, 0.5).toFixed(1)} ms\n`,
        );
        openLoop.push({ value: percentile(open, 0.5), baseline: slowestMs });
      }

      await delays(0, 0);
      const saturation: Sample[] = [];
      for (let round = 1; round <= rounds; round++) {
        const bare = await closedLoop(proxy.url, 'bare proxy, no delay', round);
        const bridge = await closedLoop(api, 'API, no delay', round);
        saturation.push({ value: bridge.perSecond, baseline: bare.perSecond });
      }

      // One lookup first fills the cache (and may sync what it reveals); the figure is what repeats cost.
      const reportLookup = `/v1/lookup?giaReportNumber=${documentedReportNumber}`;
      await call(api, reportLookup, 'demo-reader-key');
      await quotaSettled(gia.url);
      const spentBefore = await quotaSpent(gia.url);
      for (let i = 0; i < repeats; i++) await call(api, reportLookup, 'demo-reader-key');
      const spent = (await quotaSpent(gia.url)) - spentBefore;

      const label = `${lookups} lookups, ${clients} clients, Tracr +${tracrLatencyMs} ms, GIA +${giaLatencyMs} ms`;
      return [
        repeatedFigure(`lookup: p50 latency vs bare proxy (${label})`, p50, 'ms', {
          ratio: 1.1,
          better: 'lower',
        }),
        repeatedFigure(`lookup: p99 latency vs bare proxy (${label})`, p99, 'ms', {
          ratio: 1.25,
          better: 'lower',
        }),
        repeatedFigure(
          `lookup: p50 latency at an open-loop ${openLoopRate} lookups/s vs slowest platform's delay`,
          openLoop,
          'ms',
          { ratio: 1.06, better: 'lower' },
        ),
        repeatedFigure(
          `lookup: lookups/s at saturation vs bare proxy (${lookups} lookups, ${clients} clients, no delay)`,
          saturation,
          'lookups/s',
          { ratio: 0.5, better: 'higher' },
        ),
        figure(
          `lookup: GIA quota spent by ${repeats} repeated lookups of a cached, unchanged report`,
          { value: spent, baseline: repeats, unit: 'lookups' },
          { ratio: 0, better: 'lower' },
        ),
      ];
    } finally {
      clientAgent.destroy();
      statsRedis?.disconnect();
      // The API first, so its workers never see a simulator vanish under them.
      for (const child of spawned.reverse()) await child.stop();
      await redis.stop();
    }
  },
};

/** `lookups` lookups spread over the queries, `clients` at a time, each sending its next on an answer. */
async function runClosedLoop(url: string, queries: readonly Query[]): Promise<Run> {
  const schedule = Array.from({ length: lookups }, (_, i) => pick(queries, i));
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await forEachLimited(schedule, clients, async (query) => void latencies.push(await lookup(url, query)));
  return { latencies, perSecond: lookups / secondsSince(started) };
}

/** Lookups sent on a clock at `openLoopRate` per second, whether or not earlier ones have answered. */
async function runOpenLoop(url: string, queries: readonly Query[]): Promise<number[]> {
  const intervalMs = 1000 / openLoopRate;
  const started = performance.now();
  const pending: Promise<number>[] = [];
  for (let i = 0; i < openLoopLookups; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(lookup(url, pick(queries, i)));
  }
  return Promise.all(pending);
}

/** Spreads the queries evenly over the run: every other lookup asks by each kind of identifier. */
function pick(queries: readonly Query[], i: number): Query {
  const kinds: Query['kind'][] = ['id', 'tracrId'];
  const ofKind = queries.filter((query) => query.kind === kinds[i % kinds.length]);
  return ofKind[Math.floor(i / kinds.length) % ofKind.length]!;
}

/**
 * `tracebridge serve`'s configuration: both platforms, the demo's keys, no rate limit (it would refuse the
 * clients), warnings only (request logs would cost more than the lookups), and change feeds that never
 * fire during the run, so the figure is the lookups' alone.
 */
function apiEnvironment(redisUrl: string, tracrUrl: string, giaUrl: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    TRACEBRIDGE_PREFIX: '{tbbench}',
    TRACEBRIDGE_ADAPTERS: 'gia,tracr',
    TRACR_URL: tracrUrl,
    TRACR_PARTICIPANT_ID: benchParticipant,
    TRACR_PRIVATE_KEY: benchParticipantKey,
    GIA_URL: `${giaUrl}/graphql`,
    TRACEBRIDGE_API_KEYS: JSON.stringify(demoApiKeys),
    TRACEBRIDGE_API_RATE_LIMIT: '0',
    TRACEBRIDGE_LOOKUP_TIMEOUT_MS: '3000',
    TRACEBRIDGE_FEED_INTERVAL_MS: String(24 * 3_600_000),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
}

/** A registered stone: its bridge ID, its Tracr diamond ID and its rough control number. */
interface SyncedStone {
  id: string;
  tracrId: string;
  roughControlNumber: string;
}

/** Registers the stones through the API as the producer and waits until both platforms hold each one. */
async function registerAndSync(api: string): Promise<SyncedStone[]> {
  const ids: string[] = [];
  const controlNumbers = new Map<string, string>();
  const stones = Array.from({ length: registeredStones }, (_, n) => roughStone('LOOKUP', n));
  await forEachLimited(stones, 10, async (stone) => {
    const body = await call<{ id: string }>(api, '/v1/diamonds', 'demo-producer-key', stone);
    ids.push(body.id);
    controlNumbers.set(body.id, stone.identifiers!.roughControlNumber!);
  });
  const synced = new Map<string, string>();
  await waitFor(
    'the registered stones to sync to both platforms',
    async () => {
      for (const id of ids.filter((id) => !synced.has(id))) {
        const { links } = await call<{ links: Record<string, string> }>(
          api,
          `/v1/diamonds/${id}`,
          'demo-reader-key',
        );
        if (links.tracr === undefined || links.gia === undefined) return false;
        synced.set(id, links.tracr);
      }
      return true;
    },
    120_000,
  );
  return ids.map((id) => ({ id, tracrId: synced.get(id)!, roughControlNumber: controlNumbers.get(id)! }));
}

/** One lookup as a reader; answers its latency in milliseconds, failing unless both platforms found it. */
async function lookup(api: string, query: Query): Promise<number> {
  const started = performance.now();
  const answer = await call<{ platforms: Record<string, { status: string }> }>(
    api,
    `/v1/lookup?${query.search}`,
    'demo-reader-key',
  );
  const ms = performance.now() - started;
  const missed = Object.entries(answer.platforms).filter(([, platform]) => platform.status !== 'found');
  if (missed.length > 0)
    throw new Error(`bench lookup: ${query.search} was not found on ${JSON.stringify(missed)}`);
  return ms;
}

/**
 * The clients' side: plain node:http over keep-alive connections, the lightest client Node has, so the load
 * generator (which shares the machine with the system under test) takes as little CPU as it can.
 */
const clientAgent = new Agent({ keepAlive: true, maxSockets: 64 });

function call<T>(api: string, path: string, key: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      `${api}${path}`,
      {
        agent: clientAgent,
        method: payload === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300)
            reject(new Error(`bench lookup: ${path} answered ${status}: ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Waits until the quota spent stops moving: what the first lookup set off has finished. */
async function quotaSettled(giaUrl: string): Promise<void> {
  let last = -1;
  await waitFor(
    'the GIA quota to settle',
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const spent = await quotaSpent(giaUrl);
      const settled = spent === last;
      last = spent;
      return settled;
    },
    30_000,
  );
}

async function quotaSpent(giaUrl: string): Promise<number> {
  const state = (await simulatorAdmin(giaUrl, '/admin/state')) as { quotaSpent: number };
  return state.quotaSpent;
}
