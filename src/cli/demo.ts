/**
 * `tracebridge demo`: the whole bridge on one machine. A private Redis (unless REDIS_URL is set), the three
 * platform simulators (ledger, grading registry, EPCIS repository) in processes of their own, the API with
 * its workers, and sample stones registered through the API and synced to every platform. Ctrl-C (or
 * SIGTERM) stops every part, in reverse order.
 */
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { resolve } from 'node:path';
import { demoApiKeys } from '../api/demo-keys.js';
import { createLogger } from '../api/logger.js';
import { startApiServer, type RunningApiServer } from '../api/server.js';
import { readAdapterOptions } from '../adapters/options.js';
import { giaAdapter } from '../adapters/gia/index.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { tracrAdapter } from '../adapters/tracr/index.js';
import { loadConfig } from '../config.js';
import { sandboxParticipant, spawnSimulator } from '../ops/processes.js';
import { RedisNotInstalledError, startPrivateRedis, type PrivateRedis } from '../ops/redis-server.js';
import { showJourney } from './demo-journey.js';
import { demoOrgKeys, demoOrgs } from './demo-orgs.js';
import { demoStones } from './demo-stones.js';
import { exitCode, type CliIO, type Command } from './io.js';

/** What the demo reads of a platform adapter's options. */
interface DemoPlatform {
  url: string;
  apiKey: string;
  participantId?: string;
  privateKey?: string;
}

/** A built-in adapter's options as the environment sets them (its schema gives `url` and `apiKey` defaults). */
function platformOptions(adapter: AnyAdapter): DemoPlatform {
  const { url, apiKey, participantId, privateKey } = readAdapterOptions(adapter.name, adapter.options!);
  return {
    url: String(url),
    apiKey: String(apiKey),
    ...(typeof participantId === 'string' ? { participantId } : {}),
    ...(typeof privateKey === 'string' ? { privateKey } : {}),
  };
}

export const demo: Command = async (_args, io) => {
  const stack: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const part of stack.reverse()) {
      await part
        .stop()
        .catch((error: unknown) => io.stderr.write(`demo: stopping ${part.name}: ${String(error)}\n`));
    }
  };
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  try {
    const base = loadConfig();
    // The demo starts each platform's simulator where its adapter's options point, and points them there.
    const tracr = platformOptions(tracrAdapter);
    const gia = platformOptions(giaAdapter);
    const redisUrl = base.redisUrl ?? (await privateRedis(io, stack));
    if (base.redisUrl !== undefined) await emptyDemoKeys(io, base.redisUrl);
    const tracrUrl = await simulator('tracr', tracr.url, stack);
    const giaUrl = await simulator('gia', new URL(gia.url).origin, stack);
    const epcisUrl = await simulator(
      'epcis',
      process.env.TRACEBRIDGE_EPCIS_URL ?? 'http://127.0.0.1:4103',
      stack,
    );
    // The EPCIS adapter reads its connection from its own variables, as any adapter does: point them here.
    process.env.TRACEBRIDGE_EPCIS_URL = epcisUrl;
    process.env.TRACEBRIDGE_EPCIS_API_KEY ??= process.env.EPCIS_SIM_KEY ?? 'epcis-sandbox-key';
    const config = loadConfig({
      redisUrl,
      // On a Redis of the user's own, the demo keeps to keys of its own, whatever TRACEBRIDGE_PREFIX says.
      prefix: DEMO_PREFIX,
      adapterOptions: {
        tracr: {
          url: tracrUrl,
          participantId: tracr.participantId ?? sandboxParticipant.participantId,
          privateKey: tracr.privateKey ?? sandboxParticipant.privateKey,
        },
        gia: { url: `${giaUrl}/graphql` },
      },
      // Each organisation signs its own acts on the ledger, unless a registry is configured.
      orgs: base.orgs.length > 0 ? base.orgs : [...demoOrgs],
    });
    // The welcome text is the demo's interface; request logs would bury it, so only warnings show by default.
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
    const api = await startApiServer({
      config,
      extraKeys: [...demoApiKeys, ...demoOrgKeys],
      host: '127.0.0.1',
      logger,
    });
    stack.push({ name: 'API', stop: () => api.close(10_000) });
    const registered = await registerSamples(api);
    printWelcome(io, {
      api,
      tracrUrl,
      tracrKey: tracr.apiKey,
      giaUrl,
      giaKey: gia.apiKey,
      epcisUrl,
      registered,
    });
    const journeyStop = new AbortController();
    void stopped.then(() => journeyStop.abort());
    await Promise.race([
      showJourney(io, {
        signal: journeyStop.signal,
        apiUrl: api.url,
        tracrUrl,
        tracrKey: tracr.apiKey,
        giaUrl,
        giaKey: gia.apiKey,
      }),
      stopped,
    ]);
    await stopped;
    io.stdout.write('\nstopping the demo...\n');
    return exitCode.ok;
  } catch (error) {
    io.stderr.write(`tracebridge demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof RedisNotInstalledError ? exitCode.usage : exitCode.invalid;
  } finally {
    await stopAll();
  }
};

async function privateRedis(
  io: CliIO,
  stack: { name: string; stop: () => Promise<void> }[],
): Promise<string> {
  const dir = resolve(process.env.TRACEBRIDGE_DATA_DIR ?? '.tracebridge', 'redis');
  // The simulators start empty every time, so the bridge starts empty too: a bridge remembering stones
  // the platforms no longer hold would disagree with them from the first second.
  rmSync(dir, { recursive: true, force: true });
  const redis: PrivateRedis = await startPrivateRedis({ dir, appendOnly: true });
  stack.push({ name: 'Redis', stop: () => redis.stop() });
  io.stdout.write(`Redis ${redis.url} (append-only file in ${dir})\n`);
  return redis.url;
}

/** The demo's key prefix: on a Redis of the user's own, nothing outside it is read, written or removed. */
const DEMO_PREFIX = '{tracebridge-demo}';

/**
 * Empties the demo's keys on a Redis of the user's own, for the reason the private Redis starts empty: the
 * simulators start empty every time. Only keys under the demo's own prefix are removed.
 */
async function emptyDemoKeys(io: CliIO, url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    let removed = 0;
    for await (const keys of redis.scanStream({ match: `${DEMO_PREFIX}*`, count: 1_000 })) {
      if ((keys as string[]).length === 0) continue;
      removed += await redis.unlink(...(keys as string[]));
    }
    io.stdout.write(
      `Redis ${url}: keys under ${DEMO_PREFIX} only; ${removed} left by an earlier demo removed\n`,
    );
  } finally {
    redis.disconnect();
  }
}

const defaultPorts = { tracr: 4101, gia: 4102, epcis: 4103 } as const;

/** Starts `tracebridge sim NAME` as a process of its own on the port of `url`; answers the URL it listens on. */
async function simulator(
  name: 'tracr' | 'gia' | 'epcis',
  url: string,
  stack: { name: string; stop: () => Promise<void> }[],
): Promise<string> {
  const port = Number(new URL(url).port || defaultPorts[name]);
  const running = await spawnSimulator(name, port);
  stack.push({ name: `${name} simulator`, stop: () => running.stop() });
  return running.url;
}

/** Registers the sample stones through the API as the demo producer, as a producer's system would. */
async function registerSamples(api: RunningApiServer): Promise<string[]> {
  const ids: string[] = [];
  for (const stone of demoStones) {
    const response = await fetch(`${api.url}/v1/diamonds`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-producer-key', 'content-type': 'application/json' },
      body: JSON.stringify(stone),
    });
    const body = (await response.json()) as { id?: string; detail?: string };
    if (!response.ok || !body.id)
      throw new Error(`registering a sample stone failed (${response.status}): ${body.detail ?? ''}`);
    ids.push(body.id);
  }
  return ids;
}

function printWelcome(
  io: CliIO,
  {
    api,
    tracrUrl,
    tracrKey,
    giaUrl,
    giaKey,
    epcisUrl,
    registered,
  }: {
    api: RunningApiServer;
    tracrUrl: string;
    tracrKey: string;
    giaKey: string;
    giaUrl: string;
    epcisUrl: string;
    registered: string[];
  },
): void {
  const keys = [...demoApiKeys, ...demoOrgKeys]
    .map((k) => `  ${(k.key ?? '').padEnd(18)} ${k.role}${k.org ? ` (org ${k.org})` : ''}`)
    .join('\n');
  io.stdout.write(
    [
      '',
      'tracebridge demo is running.',
      '',
      `  provenance lookup page  ${api.url}/`,
      `  API docs                ${api.url}/docs`,
      `  queues (admin key)      ${api.url}/admin/queues`,
      `  Tracr-style ledger      ${tracrUrl}   (key ${tracrKey})`,
      `  GIA-style registry      ${giaUrl}/graphql   (key ${giaKey})`,
      `  EPCIS 2.0 repository    ${epcisUrl}/events   (key ${process.env.TRACEBRIDGE_EPCIS_API_KEY ?? ''}, as Bearer)`,
      '',
      'API keys (send as "Authorization: Bearer <key>"):',
      keys,
      '',
      `Registered ${registered.length} sample rough stones as demo-mining; they sync to every platform now:`,
      ...registered.map(
        (id) => `  curl -H 'Authorization: Bearer demo-reader-key' '${api.url}/v1/lookup?id=${id}'`,
      ),
      '',
      `Look up GIA's documented report on every platform: ${api.url}/v1/lookup?giaReportNumber=2141438171`,
      '',
      'Next, a stone goes from the producer kalahari to the manufacturer antwerp and the lab gia-lab, each',
      'signing its own acts on the ledger (Ctrl-C stops everything):',
      '',
    ].join('\n'),
  );
}
