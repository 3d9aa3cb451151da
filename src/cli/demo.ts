/**
 * `tracebridge demo`: the whole bridge on one machine. A private Redis (unless REDIS_URL is set), both
 * platform simulators in processes of their own, the API with its workers, and sample stones registered
 * through the API and synced to both platforms. Ctrl-C (or SIGTERM) stops every part, in reverse order.
 */
import { resolve } from 'node:path';
import { demoApiKeys } from '../api/demo-keys.js';
import { createLogger } from '../api/logger.js';
import { startApiServer, type RunningApiServer } from '../api/server.js';
import { loadConfig, type BridgeConfig } from '../config.js';
import { sandboxParticipant, spawnSimulator } from '../ops/processes.js';
import { RedisNotInstalledError, startPrivateRedis, type PrivateRedis } from '../ops/redis-server.js';
import { demoStones } from './demo-stones.js';
import { exitCode, type CliIO, type Command } from './io.js';

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
    const redisUrl = base.redisUrl ?? (await privateRedis(io, stack));
    const tracrUrl = await simulator('tracr', base.tracr.url, stack);
    const giaUrl = await simulator('gia', new URL(base.gia.url).origin, stack);
    const config = loadConfig({
      redisUrl,
      tracr: {
        url: tracrUrl,
        participantId: base.tracr.participantId ?? sandboxParticipant.participantId,
        privateKey: base.tracr.privateKey ?? sandboxParticipant.privateKey,
      },
      gia: { url: `${giaUrl}/graphql` },
    });
    // The welcome text is the demo's interface; request logs would bury it, so only warnings show by default.
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
    const api = await startApiServer({ config, extraKeys: demoApiKeys, host: '127.0.0.1', logger });
    stack.push({ name: 'API', stop: () => api.close(10_000) });
    const registered = await registerSamples(api);
    printWelcome(io, { api, config, tracrUrl, giaUrl, registered });
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
  const redis: PrivateRedis = await startPrivateRedis({ dir, appendOnly: true });
  stack.push({ name: 'Redis', stop: () => redis.stop() });
  io.stdout.write(`Redis ${redis.url} (append-only file in ${dir})\n`);
  return redis.url;
}

/** Starts `tracebridge sim NAME` as a process of its own on the port of `url`; answers the URL it listens on. */
async function simulator(
  name: 'tracr' | 'gia',
  url: string,
  stack: { name: string; stop: () => Promise<void> }[],
): Promise<string> {
  const port = Number(new URL(url).port || (name === 'tracr' ? 4101 : 4102));
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
    config,
    tracrUrl,
    giaUrl,
    registered,
  }: { api: RunningApiServer; config: BridgeConfig; tracrUrl: string; giaUrl: string; registered: string[] },
): void {
  const keys = demoApiKeys
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
      `  Tracr-style ledger      ${tracrUrl}   (key ${config.tracr.apiKey})`,
      `  GIA-style registry      ${giaUrl}/graphql   (key ${config.gia.apiKey})`,
      '',
      'API keys (send as "Authorization: Bearer <key>"):',
      keys,
      '',
      `Registered ${registered.length} sample rough stones as demo-mining; they sync to both platforms now:`,
      ...registered.map(
        (id) => `  curl -H 'Authorization: Bearer demo-reader-key' '${api.url}/v1/lookup?id=${id}'`,
      ),
      '',
      `Look up GIA's documented report on both platforms: ${api.url}/v1/lookup?giaReportNumber=2141438171`,
      '',
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}
