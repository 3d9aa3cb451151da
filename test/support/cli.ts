import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { packageRoot } from '../../src/package-root.js';

/** What one in-process `tracebridge` run printed and answered. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tracebridge ...argv` in-process with `input` (text or a stream) on stdin. */
export async function runCli(argv: string[], input: string | Readable = ''): Promise<CliRun> {
  const stdin = typeof input === 'string' ? Readable.from([input]) : input;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await main(argv, { stdin, stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs the installed command (`bin/tracebridge`, the compiled dist/) as a child process. */
export function spawnCli(argv: string[], stdin = '', env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  const bin = join(packageRoot, 'bin', 'tracebridge');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { stdio: 'pipe', env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
