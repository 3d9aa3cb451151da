import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A private `redis-server` started from the PATH: the demo's when no REDIS_URL is given, and every test
 * suite's. It binds to loopback on a port of its own and keeps its files in a folder of its own, so it never
 * touches a Redis someone else runs.
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** The folder holding this server's append-only file and log. */
  readonly dir: string;
  /** Starts the server again (after `kill` or `stop`) on the same port and data. */
  start(): Promise<void>;
  /** SIGKILL, as a crash would: only what the append-only file holds survives. */
  kill(): Promise<void>;
  /** SIGTERM: Redis flushes and exits cleanly. */
  stop(): Promise<void>;
}

/** Options for {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /** Folder for the data files and log; created when missing. */
  dir: string;
  /** Default: a free port. */
  port?: number;
  /** Keep an append-only file fsynced on every write, as production should. Default true. */
  appendOnly?: boolean;
  /** More `redis-server` arguments, e.g. `--cluster-enabled yes` for a cluster node. */
  extraArgs?: readonly string[];
}

/** Thrown when there is no redis-server to start; the message says how to get one. */
export class RedisNotInstalledError extends Error {
  override readonly name = 'RedisNotInstalledError';
  constructor() {
    super(
      'redis-server is not on the PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; ' +
        'macOS: `brew install redis`) or set REDIS_URL to a Redis you run.',
    );
  }
}

/** The path of `redis-server`, or throws {@link RedisNotInstalledError}. */
export function redisServerPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') throw new RedisNotInstalledError();
  return path;
}

/** A TCP port nothing on loopback listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a private redis-server and answers once it replies PONG. */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  if (options.port !== undefined) return startOn(options.port, options);
  // A free port can be taken by another process between the probe and redis binding it (parallel test
  // suites do this); a server that exits at once on a probed port is tried again on another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 5) throw error;
    }
  }
}

/** The server exited before answering: on a port it did not choose, most likely someone else's. */
class PortTakenError extends Error {}

async function startOn(port: number, options: PrivateRedisOptions): Promise<PrivateRedis> {
  const binary = redisServerPath();
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly === false ? 'no' : 'yes',
    '--appendfsync',
    'always',
    // Evicting a queue entry or an index key would silently lose a stone.
    '--maxmemory-policy',
    'noeviction',
    // Every stone has an audit stream of its own, and Redis gives a new stream a whole node up front
    // (4 KB by default): small nodes make a stone's history cost a quarter of that.
    '--stream-node-max-bytes',
    '512',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
    ...(options.extraArgs ?? []),
  ];
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    child = spawn(binary, args, { stdio: 'ignore' });
    await waitForPong(port, child);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
  };
}

async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new PortTakenError(
        `redis-server on port ${port} exited with code ${child.exitCode}; is the port taken?`,
      );
    }
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      // A server still loading its append-only file answers LOADING; only PONG means ready.
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}
