/**
 * Bulk import throughput: a producer's CSV of 100,000 rough stones through the whole import (spooled into
 * Redis, read, mapped through a column map, validated, registered through the ingest path with their sync
 * jobs queued), in rows per second, against writing the same records straight into Redis with pipelined
 * commands (the record and its identifier index entries, 1,000 stones a pipeline), the least any import
 * must do.
 */
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { giaAdapter } from '../src/adapters/gia/index.js';
import { tracrAdapter } from '../src/adapters/tracr/index.js';
import type { AnyAdapter } from '../src/adapters/registry.js';
import { loadConfig, type BridgeConfig } from '../src/config.js';
import { BATCHES_IN_FLIGHT, executeImport } from '../src/import/run.js';
import { spoolUpload } from '../src/import/upload.js';
import { createQueues, queueConnection } from '../src/queue/queues.js';
import { createStore, newDiamondId } from '../src/store/index.js';
import { registerMany } from '../src/sync/register.js';
import type { DiamondRecord } from '../src/types/diamond.js';
import { startRedis } from '../test/support/redis.js';
import { figure, type Benchmark } from './figure.js';
import { secondsSince } from './support.js';

const rows = Number(process.env.TRACEBRIDGE_BENCH_IMPORT_ROWS ?? 100_000);
const pipelineSize = 1_000;

const columns = {
  'Control No': 'identifiers.roughControlNumber',
  'Lot Ref': 'identifiers.producerRef',
  'Wt (g)': { path: 'rough.caratWeight', unit: 'g' },
  Mine: 'origin.mine',
  Country: 'origin.country',
};

function grams(n: number): number {
  return ((n % 900) + 100) / 1000;
}

// Row n of the file as the canonical record the import makes of it.
function benchStone(n: number): DiamondRecord {
  return {
    schemaVersion: '1',
    kind: 'rough',
    owner: { org: 'bench-mining' },
    identifiers: { roughControlNumber: `RC-B-${n}`, producerRef: `LOT-B-${n}` },
    origin: { mine: 'Jwaneng', country: 'BW' },
    rough: { caratWeight: grams(n) * 5 },
  };
}

// The file, a few thousand rows a piece, as a network stream would deliver it.
function* csvPieces(): Generator<Buffer> {
  yield Buffer.from('Control No,Lot Ref,Wt (g),Mine,Country\r\n');
  for (let start = 1; start <= rows; start += 5_000) {
    const lines: string[] = [];
    for (let n = start; n < Math.min(start + 5_000, rows + 1); n++)
      lines.push(`RC-B-${n},LOT-B-${n},${grams(n)},Jwaneng,Botswana\r\n`);
    yield Buffer.from(lines.join(''));
  }
}

export const importBenchmark: Benchmark = {
  name: 'import',
  async run() {
    const redis = await startRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    const connection = queueConnection(redis.url);
    try {
      const config = loadConfig({ redisUrl: redis.url, prefix: '{tbbench}' }, {});
      const store = createStore(client, { prefix: '{tbbench}:' });
      const queues = createQueues(connection, config, ['gia', 'tracr']);
      const adapters = new Map<string, AnyAdapter>([
        ['gia', giaAdapter as AnyAdapter],
        ['tracr', tracrAdapter as AnyAdapter],
      ]);

      const memoryBefore = await usedMemory(client);
      const redisCpuBefore = await redisCpuSeconds(client);
      const cpuBefore = process.cpuUsage();
      const importStarted = process.hrtime.bigint();
      const id = await spoolUpload(store, Readable.from(csvPieces()), {
        format: 'csv',
        columns,
        actor: 'bench',
        org: 'bench-mining',
        maxBytes: 1024 * 1024 * 1024,
      });
      const state = await executeImport({ store, queues, adapters }, id);
      const importSeconds = secondsSince(importStarted);
      if (state.rows.registered !== rows)
        throw new Error(`the import registered ${state.rows.registered} of ${rows} rows`);
      // Where the time goes: CPU per row in this process and in Redis (the two overlap).
      const { user, system } = process.cpuUsage(cpuBefore);
      const redisCpu = (await redisCpuSeconds(client)) - redisCpuBefore;
      process.stderr.write(
        `  import: ${(rows / importSeconds).toFixed(0)} rows/s; CPU per row: bridge ${((user + system) / rows).toFixed(0)} µs, Redis ${((redisCpu * 1e6) / rows).toFixed(0)} µs\n`,
      );
      await queues.close();
      const importBytes = (await usedMemory(client)) - memoryBefore;

      const directBefore = await usedMemory(client);
      const baselineSeconds = await writeDirect(client);
      const directBytes = (await usedMemory(client)) - directBefore;
      const per100k = (bytes: number): number => ((bytes / rows) * 100_000) / 1024 / 1024;
      process.stderr.write(`  direct pipelined writes: ${(rows / baselineSeconds).toFixed(0)} rows/s\n`);
      // The least the import can cost: the same stones registered with no file around them.
      const registerSeconds = await registerAlone(redis.url, config, adapters);
      process.stderr.write(
        `  the same records registered without the import (save, sync intent, sync jobs): ${(rows / registerSeconds).toFixed(0)} rows/s, ${(baselineSeconds / registerSeconds).toFixed(3)} of the direct writes\n`,
      );
      return [
        figure(
          `import: rows/s of a ${rows}-row CSV through the import (spool, map, validate, register, queue sync) vs pipelined direct Redis writes`,
          { value: rows / importSeconds, baseline: rows / baselineSeconds, unit: 'rows/s' },
          { ratio: 0.5, better: 'higher' },
        ),
        // What a deployment sizes Redis by: everything the bridge keeps for a stone (record, versions'
        // hash, identifier indexes, audit entries, the queued sync jobs, the import's own spool and
        // state) against the bare records and indexes.
        figure(
          `import: Redis memory per 100k stones after the import (record, indexes, audit, queued sync jobs, spool) vs the records and indexes written directly`,
          { value: per100k(importBytes), baseline: per100k(directBytes), unit: 'MiB' },
          { ratio: 4, better: 'lower' },
        ),
      ];
    } finally {
      connection.disconnect();
      client.disconnect();
      await redis.stop();
    }
  },
};

/**
 * Registers the bench's stones as canonical records, already validated, through the ingest path the
 * import uses (store save with its sync intent, the sync jobs, the intents cleared), in batches as the
 * import sends them: what any import pays before it reads a byte of its file. Answers the seconds taken.
 */
async function registerAlone(
  url: string,
  config: BridgeConfig,
  adapters: ReadonlyMap<string, AnyAdapter>,
): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  const connection = queueConnection(url);
  const queues = createQueues(connection, { ...config, prefix: '{tbalone}' }, [...adapters.keys()]);
  try {
    const context = { store: createStore(client, { prefix: '{tbalone}:' }), queues, adapters };
    const batch = 200;
    const inFlight: Promise<unknown>[] = [];
    const started = process.hrtime.bigint();
    for (let from = 1; from <= rows; from += batch) {
      const records: DiamondRecord[] = [];
      for (let n = from; n < Math.min(from + batch, rows + 1); n++) records.push(benchStone(n));
      inFlight.push(registerMany(context, records, { actor: 'bench', org: 'bench-mining', validated: true }));
      if (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return secondsSince(started);
  } finally {
    await queues.close();
    connection.disconnect();
    client.disconnect();
  }
}

/** Redis's CPU time so far (user and system), in seconds. */
async function redisCpuSeconds(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const read = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return read('used_cpu_user') + read('used_cpu_sys');
}

/** Redis's `used_memory`, in bytes. */
async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

// The same stones as canonical records, written as a store would hold them, with nothing checked.
async function writeDirect(client: Redis): Promise<number> {
  const prefix = '{tbdirect}:';
  const records = Array.from({ length: rows }, (_, i) => {
    const n = i + 1;
    const id = newDiamondId();
    return { id, rcn: `RC-B-${n}`, ref: `LOT-B-${n}`, json: JSON.stringify({ id, ...benchStone(n) }) };
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < records.length; i += pipelineSize) {
    const pipeline = client.pipeline();
    for (const record of records.slice(i, i + pipelineSize)) {
      pipeline.hset(`${prefix}diamond:${record.id}`, { record: record.json, version: 1 });
      // An organisation's own identifiers are indexed as value, organisation, bridge ID (store/keys.ts).
      pipeline.zadd(
        `${prefix}identifier-org:roughControlNumber`,
        0,
        `${record.rcn}\nbench-mining\n${record.id}`,
      );
      pipeline.zadd(`${prefix}identifier-org:producerRef`, 0, `${record.ref}\nbench-mining\n${record.id}`);
      pipeline.zadd(`${prefix}diamonds`, 0, record.id);
    }
    await pipeline.exec();
  }
  return secondsSince(started);
}
