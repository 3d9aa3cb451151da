/**
 * Lookup latency: the HTTP API's cross-platform provenance lookup under 50 concurrent clients, with the
 * simulators (in processes of their own) answering after an injected 40 ms (Tracr) and 80 ms (GIA). A
 * lookup asks both platforms at once, so it should cost about the slower platform's latency, never the
 * sum: p50 and p99 are figured as ratios to 80 ms. Also: a repeated lookup of an unchanged GIA report
 * spends no quota.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/api/app.js';
import { buildServices, type BuiltServices } from '../src/api/build.js';
import { demoApiKeys } from '../src/api/demo-keys.js';
import { createLogger } from '../src/api/logger.js';
import { loadConfig, type BridgeConfig } from '../src/config.js';
import { startWorkers, type RunningWorkers } from '../src/queue/workers.js';
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
  waitFor,
  type SpawnedSimulator,
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
    const sims: SpawnedSimulator[] = [];
    let built: BuiltServices | undefined;
    let workers: RunningWorkers | undefined;
    let server: Server | undefined;
    try {
      const [tracr, gia] = await Promise.all([spawnSimulator('tracr'), spawnSimulator('gia')]);
      sims.push(tracr, gia);
      const config = benchConfig(redis.url, tracr.url, gia.url);
      built = await buildServices({
        config,
        extraKeys: demoApiKeys,
        // Request logs would cost the API more than the lookups do; the limiter would refuse the clients.
        logger: createLogger({ level: 'warn' }),
        settings: { rateLimit: { limit: 0, windowMs: 60_000 }, lookupTimeoutMs: 3_000 },
      });
      workers = await startWorkers(config, {
        adapters: built.adapters,
        clients: built.clients,
        store: built.services.store,
        feeds: false,
      });
      const app = createApp(built.services);
      const listening = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
      });
      server = listening;
      const api = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

      const ids = await registerAndSync(api, workers);
      const tracrIds = await Promise.all(ids.map((id) => tracrIdOf(api, id)));
      await simulatorAdmin(tracr.url, '/admin/faults', { latencyMs: tracrLatencyMs });
      await simulatorAdmin(gia.url, '/admin/faults', { latencyMs: giaLatencyMs });
      const queries: Query[] = [
        ...ids.map((id) => ({ kind: 'id' as const, search: `id=${id}` })),
        ...tracrIds.map((tracrId) => ({ kind: 'tracrId' as const, search: `tracrId=${tracrId}` })),
        { kind: 'giaReportNumber', search: `giaReportNumber=${documentedReportNumber}` },
      ];
      // Each distinct query once first: the GIA report is fetched (spending its one lookup of quota) and
      // ledger block headers are cached, as in a bridge that has been serving for a while.
      await forEachLimited(queries, 10, async (query) => void (await lookup(api, query)));

      const schedule = Array.from({ length: lookups }, (_, i) => pick(queries, i));
      const latencies = new Map<Query['kind'], number[]>();
      const storeRedis = built.services.store.redis;
      const parts = {
        'API and clients': ownCpuSeconds,
        tracr: tracr.cpuSeconds,
        gia: gia.cpuSeconds,
        redis: () => redisCpuSeconds(storeRedis),
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
      if (server) {
        const closing = server;
        closing.closeAllConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
      await workers?.close(5_000);
      await built?.close();
      await Promise.all(sims.map((sim) => sim.stop()));
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

function benchConfig(redisUrl: string, tracrUrl: string, giaUrl: string): BridgeConfig {
  return loadConfig(
    {
      redisUrl,
      prefix: '{tbbench}',
      port: 0,
      adapters: ['gia', 'tracr'],
      tracr: { url: tracrUrl, participantId: benchParticipant, privateKey: benchParticipantKey },
      gia: { url: `${giaUrl}/graphql` },
    },
    {},
  );
}

/** Registers the stones through the API as the producer and waits until both platforms hold each one. */
async function registerAndSync(api: string, workers: RunningWorkers): Promise<string[]> {
  const ids: string[] = [];
  const stones = Array.from({ length: registeredStones }, (_, n) => roughStone('LOOKUP', n));
  await forEachLimited(stones, 10, async (stone) => {
    const body = await call<{ id: string }>(api, '/v1/diamonds', 'demo-producer-key', stone);
    ids.push(body.id);
  });
  await waitFor(
    'the registered stones to sync',
    async () => {
      for (const platform of workers.queues.platforms) {
        const counts = await workers.queues
          .sync(platform)
          .getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).some((count) => count > 0)) return false;
      }
      return true;
    },
    120_000,
  );
  return ids;
}

async function tracrIdOf(api: string, id: string): Promise<string> {
  const stored = await call<{ links: Record<string, string> }>(api, `/v1/diamonds/${id}`, 'demo-reader-key');
  const tracrId = stored.links.tracr;
  if (tracrId === undefined || stored.links.gia === undefined)
    throw new Error(`bench lookup: stone ${id} is not on both platforms: ${JSON.stringify(stored.links)}`);
  return tracrId;
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

async function call<T>(api: string, path: string, key: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`bench lookup: ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function quotaSpent(giaUrl: string): Promise<number> {
  const state = (await simulatorAdmin(giaUrl, '/admin/state')) as { quotaSpent: number };
  return state.quotaSpent;
}
