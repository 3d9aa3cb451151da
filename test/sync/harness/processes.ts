/**
 * The bridge's parts as operators run them: each `./bin/tracebridge <command>` in its own process, from
 * the compiled `dist/` (rebuilt first when the sources are newer), so a test can SIGKILL one and start it
 * again while the others carry on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/package-root.js';

const compiledCli = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds `dist/` (`tsc -p tsconfig.build.json`) when it is missing or older than `src/` or `sim/`, so the
 * processes run the code under test rather than a stale build.
 */
export function ensureBuilt(): void {
  const built = existsSync(compiledCli) ? statSync(compiledCli).mtimeMs : 0;
  const sources = Math.max(newest(join(packageRoot, 'src')), newest(join(packageRoot, 'sim')));
  if (built >= sources) return;
  const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(packageRoot, 'tsconfig.build.json')], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building dist/ failed:\n${result.stdout}${result.stderr}`);
}

/** One running `tracebridge` process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** What it printed so far (the tail, for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, and SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `tracebridge <args>` with `env` (on top of PATH only: nothing leaks in from the test's own
 * environment) and resolves once its output matches `ready`, with the match.
 */
export async function startCli(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<{ process: CliProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'tracebridge'), ...args], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const running: CliProcess = {
    child,
    output: () => output.slice(-4_000),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tracebridge ${args.join(' ')} was not ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-20_000);
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tracebridge ${args.join(' ')} exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { process: running, match };
}
