import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A private redis-server started for one suite; no test ever touches a Redis it did not start. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** The folder holding this server's AOF and RDB files. */
  readonly dir: string;
  /** Stops the server (SIGTERM, so an AOF is flushed) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Kills the server with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts a server that was killed or stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** Keep an append-only file, fsynced every write, as production does. Default false. */
  appendOnly?: boolean;
}

export function redisServerPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      'redis-server is not on the PATH. The tests start their own; install one with `apt-get install -y redis-server`.',
    );
  }
  return path;
}

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

export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const binary = redisServerPath();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tracebridge-redis-'));
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
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    child = spawn(binary, args, { stdio: 'ignore' });
    await waitForPing(port, child);
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
    restart: async () => {
      await halt('SIGTERM');
      await start();
    },
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
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
      // A server still loading its AOF answers LOADING; only PONG means ready.
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
