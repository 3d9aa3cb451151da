/**
 * Runs generated sequences against the world: each starts from a fresh model, runs its commands, waits
 * for quiescence and checks the invariants. A failure reports the seed, the path and the shrunk
 * sequence, so `TRACEBRIDGE_MODEL_SEED=<seed> TRACEBRIDGE_MODEL_PATH=<path>` replays exactly it.
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

/** The failure message: the violations, the seed, the path and the shrunk sequence. */
export function describeFailure(details: fc.RunDetails<[Iterable<fc.AsyncCommand<Model, World>>]>): string {
  const sequence = details.counterexample
    ? [...details.counterexample[0]].map(String).join('\n  ')
    : '(none)';
  return [
    `the model-based sync test failed after ${details.numRuns} sequences (shrunk ${details.numShrinks} times)`,
    `replay: TRACEBRIDGE_MODEL_SEED=${details.seed} TRACEBRIDGE_MODEL_PATH=${details.counterexamplePath ?? ''} npx vitest run test/sync/model.test.ts`,
    `shrunk sequence:\n  ${sequence}`,
    `error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
  ].join('\n');
}
