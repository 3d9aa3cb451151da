import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../package-root.js';

/** A part of the system running as a `tracebridge` process of its own: a simulator, or the API. */
export interface TracebridgeProcess {
  url: string;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/**
 * The Tracr-style simulator's sandbox producer `demo-mining` and its key. The simulator derives sandbox
 * keys from a public seed, like the sandbox API keys: fine for the demo and benchmarks, never for real use.
 */
export const sandboxParticipant = {
  participantId: 'demo-mining',
  privateKey: sandboxParticipantKey('demo-mining'),
} as const;

/** The sandbox key of any of the simulator's sample participants: a 64-hex-digit Ed25519 seed. */
export function sandboxParticipantKey(participantId: string): string {
  return createHash('sha256').update(`tracr-sim:${participantId}`).digest('hex');
}

/** Starts `tracebridge sim NAME --port PORT` and answers once it listens. */
export function spawnSimulator(name: 'tracr' | 'gia' | 'epcis', port = 0): Promise<TracebridgeProcess> {
  return spawnTracebridge(
    `the ${name} simulator`,
    ['sim', name, '--port', String(port)],
    /listening on (\S+)/,
  );
}

/**
 * Starts `tracebridge ARGS...` with `env` added to this process's environment, and answers once a line of
 * its stdout matches `listening` (whose first group is the URL); a process that exits first is an error
 * carrying the tail of what it printed on stderr.
 */
export function spawnTracebridge(
  what: string,
  args: readonly string[],
  listening: RegExp,
  env: Readonly<Record<string, string>> = {},
): Promise<TracebridgeProcess> {
  return spawnNode(what, [join(packageRoot, 'bin', 'tracebridge'), ...args], listening, env);
}

/** Runs `node ARGV...` and answers once a line of its output matches `listening` (group 1: its URL). */
export async function spawnNode(
  what: string,
  argv: readonly string[],
  listening: RegExp,
  env: Readonly<Record<string, string>> = {},
): Promise<TracebridgeProcess> {
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    // Only the tail matters when it fails to start; a long run must not keep every log line.
    stderr = (stderr + chunk.toString()).slice(-8_192);
  });
  const lines = createInterface({ input: child.stdout });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`${what} exited (${code}) before listening: ${stderr.trim()}`)),
      );
      lines.on('line', (line) => {
        const match = listening.exec(line);
        if (match?.[1]) resolve(match[1]);
      });
    });
    return { url, pid: child.pid, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
