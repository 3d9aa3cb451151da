import type { Readable, Writable } from 'node:stream';

/** The streams a command reads and writes; tests pass their own. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** One `tracebridge` command: takes the arguments after its name and answers an exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Exit codes shared by every command (DESIGN.md section 7). */
export const exitCode = {
  ok: 0,
  /** The input was read but is invalid or untranslatable. */
  invalid: 1,
  /** Unreadable input or bad usage. */
  usage: 2,
} as const;

/** A mistake in how a command was called; main prints it with the usage line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Resolves on the first SIGINT or SIGTERM. Called before a long-running command says it is ready, so a
 * supervisor that stops it as soon as it reads that line gets a clean shutdown, not the default exit.
 */
export function stopRequested(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
