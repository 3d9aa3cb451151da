/**
 * Runs generated sequences against the world: each starts from a fresh model, runs its commands, waits
 * for quiescence and checks the invariants. A failure reports the seed, the path and the shrunk
 * sequence, so `TRACEBRIDGE_MODEL_SEED=<seed> TRACEBRIDGE_MODEL_PATH=<path>
 * TRACEBRIDGE_MODEL_REPLAY_PATH=<replay path>` replays exactly it.
 */
import fc from 'fast-check';
import { checkInvariants, quiesce, type BridgeState } from './invariants.js';
import type { Model } from './model.js';
import { ledgerHead } from './platforms.js';
import type { World } from './world.js';

/** What the runs checked, for the soak run's report. */
export interface Tally {
  sequences: number;
  commands: Record<string, number>;
  stones: number;
  checks: number;
}

/** Runs one sequence of `commands` from a fresh model and answers the violations. */
export async function runSequence(
  world: World,
  bridge: BridgeState,
  commands: Iterable<fc.AsyncCommand<Model, World>>,
  run: number,
  maxStones: number,
  tally: Tally,
): Promise<string[]> {
  const model: Model = {
    run,
    maxStones,
    stones: [],
    owed: [],
    received: new Set(),
    startHeight: await ledgerHead(world.tracrUrl),
    storedBefore: await bridge.storedIds(),
  };
  const counted: Array<fc.AsyncCommand<Model, World>> = [];
  for (const command of commands) {
    counted.push({
      check: (m) => command.check(m),
      run: async (m, r) => {
        const name = command.toString().replace(/\(.*$/, '');
        tally.commands[name] = (tally.commands[name] ?? 0) + 1;
        await command.run(m, r);
      },
      toString: () => command.toString(),
    });
  }
  await fc.asyncModelRun(() => ({ model, real: world }), counted);
  const quiet = await quiesce(model, world, bridge);
  const violations = await checkInvariants(model, world, quiet);
  tally.sequences += 1;
  tally.stones += quiet.stones.size;
  tally.checks += model.stones.length;
  return violations;
}

/** Waits for quiescence with no sequence running (the sample stones the feeds bring in at first). */
export async function settleWorld(world: World, bridge: BridgeState): Promise<void> {
  const model: Model = {
    run: 0,
    maxStones: 0,
    stones: [],
    owed: [],
    received: new Set(),
    startHeight: await ledgerHead(world.tracrUrl),
    storedBefore: new Set(),
  };
  await quiesce(model, world, bridge);
}

/** Reads an integer setting from the environment. */
export function envInt(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`${name}=${text} must be a whole number`);
  return Number(text);
}

/**
 * The failure message: the violations, then how to replay the shrunk sequence (its seed, its path, and the
 * commands' own replay path, which says which generated commands ran) and the commands that ran.
 */
export function describeFailure(details: fc.RunDetails<[Iterable<fc.AsyncCommand<Model, World>>]>): string {
  // The iterable prints the commands that ran, then `/*replayPath="..."*/`: the path is taken from
  // there, the commands from the iterable itself, since a command's own text may hold commas.
  const commands = details.counterexample?.[0] as
    (Iterable<{ hasRan?: boolean; toString(): string }> & { toString(): string }) | undefined;
  const replayPath = /\/\*replayPath="([^"]*)"\*\//.exec(commands?.toString() ?? '')?.[1];
  const ran = commands === undefined ? [] : [...commands].filter((command) => command.hasRan);
  const replay = [
    `TRACEBRIDGE_MODEL_SEED=${details.seed}`,
    ...(details.counterexamplePath ? [`TRACEBRIDGE_MODEL_PATH=${details.counterexamplePath}`] : []),
    ...(replayPath ? [`TRACEBRIDGE_MODEL_REPLAY_PATH=${replayPath}`] : []),
    'npx vitest run test/sync/model.test.ts',
  ].join(' ');
  return [
    `the model-based sync test failed after ${details.numRuns} sequences (shrunk ${details.numShrinks} times)`,
    `seed: ${details.seed}`,
    `path: ${details.counterexamplePath ?? '(none)'}`,
    `replay: ${replay}`,
    `shrunk sequence (the commands that ran):\n  ${ran.length === 0 ? '(none)' : ran.map((command) => command.toString()).join('\n  ')}`,
    `error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
  ].join('\n');
}
