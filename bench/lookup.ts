/**
 * Lookup latency: the HTTP API's cross-platform provenance lookup under 50 concurrent clients, with the
 * simulators (in processes of their own) answering after an injected 40 ms (Tracr) and 80 ms (GIA). A
 * lookup asks both platforms at once, so it should cost about the slower platform's latency, never the
 * sum: p50 and p99 are figured as ratios to 80 ms. Also: a repeated lookup of an unchanged GIA report
 * spends no quota.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { demoApiKeys } from '../src/api/demo-keys.js';
import { documentedReportNumber } from '../sim/gia/samples.js';
import { startRedis } from '../test/support/redis.js';
import { figure, type Benchmark } from './figure.js';
import {
  benchParticipant,
  benchParticipantKey,
  cpuSnapshot,
  cpuSpent,
  forEachLimited,
  ownCpuSeconds,
  percentile,
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
const repeats = 100;
const tracrLatencyMs = 40;
const giaLatencyMs = 80;
const slowestMs = Math.max(tracrLatencyMs, giaLatencyMs);

/** One lookup: the query string after `/v1/lookup?`, and what kind of identifier it asks by. */
interface Query {
  kind: 'id' | 'tracrId' | 'giaReportNumber';
  search: string;
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
      const api = apiProcess.url;
      statsRedis = new Redis(redis.url, { maxRetriesPerRequest: 2 });

      const stones = await registerAndSync(api);
      await simulatorAdmin(tracr.url, '/admin/faults', { latencyMs: tracrLatencyMs });
      await simulatorAdmin(gia.url, '/admin/faults', { latencyMs: giaLatencyMs });
      const queries: Query[] = [
        ...stones.map(({ id }) => ({ kind: 'id' as const, search: `id=${id}` })),
        ...stones.map(({ tracrId }) => ({ kind: 'tracrId' as const, search: `tracrId=${tracrId}` })),
        { kind: 'giaReportNumber', search: `giaReportNumber=${documentedReportNumber}` },
      ];
      // Each distinct query once first: the GIA report is fetched (spending its one lookup of quota) and
      // ledger block headers are cached, as in a bridge that has been serving for a while.
      await forEachLimited(queries, 10, async (query) => void (await lookup(api, query)));

      const schedule = Array.from({ length: lookups }, (_, i) => pick(queries, i));
      const latencies = new Map<Query['kind'], number[]>();
      const stats = statsRedis;
      const parts = {
        API: apiProcess.cpuSeconds,
        clients: ownCpuSeconds,
        tracr: tracr.cpuSeconds,
        gia: gia.cpuSeconds,
        redis: () => redisCpuSeconds(stats),
      };
      const cpuBefore = await cpuSnapshot(parts);
      const started = process.hrtime.bigint();
      await forEachLimited(schedule, clients, async (query) => {
        const ms = await lookup(api, query);
        const samples = latencies.get(query.kind) ?? [];
        samples.push(ms);
        latencies.set(query.kind, samples);
      });
      const seconds = secondsSince(started);
      process.stderr.write(
        `  ${(lookups / seconds).toFixed(0)} lookups/s; CPU s: ${cpuSpent(cpuBefore, await cpuSnapshot(parts))}\n`,
      );
      const all = [...latencies.values()].flat();
      for (const [kind, samples] of latencies) {
        process.stderr.write(
          `  by ${kind}: ${samples.length} lookups, p50 ${percentile(samples, 0.5).toFixed(1)} ms, p99 ${percentile(samples, 0.99).toFixed(1)} ms\n`,
        );
      }

      const spentBefore = await quotaSpent(gia.url);
      const report: Query = {
        kind: 'giaReportNumber',
        search: `giaReportNumber=${documentedReportNumber}`,
      };
      for (let i = 0; i < repeats; i++) await lookup(api, report);
      const spent = (await quotaSpent(gia.url)) - spentBefore;

      const label = `${lookups} lookups, ${clients} clients, Tracr +${tracrLatencyMs} ms, GIA +${giaLatencyMs} ms`;
      return [
        figure(
          `lookup: p50 latency vs slowest platform (${label})`,
          { value: percentile(all, 0.5), baseline: slowestMs, unit: 'ms' },
          { ratio: 1.1, better: 'lower' },
        ),
        figure(
          `lookup: p99 latency vs slowest platform (${label})`,
          { value: percentile(all, 0.99), baseline: slowestMs, unit: 'ms' },
          { ratio: 1.5, better: 'lower' },
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

/** Spreads the queries evenly over the run: every third lookup asks by each kind of identifier. */
function pick(queries: readonly Query[], i: number): Query {
  const kinds: Query['kind'][] = ['id', 'tracrId', 'giaReportNumber'];
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

/** A registered stone: its bridge ID and its Tracr diamond ID. */
interface SyncedStone {
  id: string;
  tracrId: string;
}

/** Registers the stones through the API as the producer and waits until both platforms hold each one. */
async function registerAndSync(api: string): Promise<SyncedStone[]> {
  const ids: string[] = [];
  const stones = Array.from({ length: registeredStones }, (_, n) => roughStone('LOOKUP', n));
  await forEachLimited(stones, 10, async (stone) => {
    const body = await call<{ id: string }>(api, '/v1/diamonds', 'demo-producer-key', stone);
    ids.push(body.id);
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
  return ids.map((id) => ({ id, tracrId: synced.get(id)! }));
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

async function quotaSpent(giaUrl: string): Promise<number> {
  const state = (await simulatorAdmin(giaUrl, '/admin/state')) as { quotaSpent: number };
  return state.quotaSpent;
}
