import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis } from '../../src/ops/redis-server.js';

export { freePort, redisServerPath } from '../../src/ops/redis-server.js';

/** A private redis-server started for one suite; no test ever touches a Redis it did not start. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** The folder holding this server's AOF and log. */
  readonly dir: string;
  /** Stops the server (SIGTERM, so an AOF is flushed) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Kills the server with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts a server that was killed or stopped. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** Keep an append-only file, fsynced every write, as production does. Default false. */
  appendOnly?: boolean;
}

/** Starts a private redis-server on a free port with its data in a fresh temporary folder. */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tracebridge-redis-'));
  const redis = await startPrivateRedis({ dir, appendOnly: options.appendOnly ?? false });
  return {
    url: redis.url,
    port: redis.port,
    dir,
    start: () => redis.start(),
    kill: () => redis.kill(),
    restart: async () => {
      await redis.stop();
      await redis.start();
    },
    stop: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
