/**
 * The sync engine's model-based randomized test. Random sequences of registrations, edits, ledger
 * transfers and cuts, lab re-grades, webhook re-deliveries, lost replies, 5xx, 429 with Retry-After,
 * ledger calls slower than the lease, worker SIGKILLs and Redis crashes run against a real Redis (AOF on),
 * both simulators, the API and two worker processes; after quiescence the platforms themselves must hold
 * every stone exactly once, with its last stored content (see harness/invariants.ts).
 *
 * `npm test` runs 200 short sequences (at most 5 commands each). `TRACEBRIDGE_MODEL_SEED`,
 * `TRACEBRIDGE_MODEL_PATH` and `TRACEBRIDGE_MODEL_REPLAY_PATH` replay a reported failure;
 * `TRACEBRIDGE_MODEL_RUNS` changes the number of sequences; `TRACEBRIDGE_SOAK_OPS` runs one long sequence
 * of that many commands instead (`npm run soak`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longSequenceArbitrary, sequenceArbitrary } from './harness/commands.js';
import { openBridgeState, type BridgeState } from './harness/invariants.js';
import { describeFailure, envInt, runSequence, settleWorld, type Tally } from './harness/sequence.js';
import { startWorld, type World } from './harness/world.js';

const soakOps = envInt('TRACEBRIDGE_SOAK_OPS');
const runs = envInt('TRACEBRIDGE_MODEL_RUNS') ?? 200;
const replayPath = process.env['TRACEBRIDGE_MODEL_REPLAY_PATH'] || undefined;

describe('the sync engine against a model of what was acknowledged', () => {
  let world: World;
  let bridge: BridgeState;
  const tally: Tally = { sequences: 0, commands: {}, stones: 0, checks: 0 };

  beforeAll(async () => {
    world = await startWorld();
    bridge = openBridgeState(world);
    // The feeds first bring in the platforms' sample stones; sequences start once that has settled.
    await settleWorld(world, bridge);
  }, 180_000);
  afterAll(async () => {
    bridge?.close();
    await world?.close();
  });

  // One of the two runs is defined, never both: `npm test` shows no skipped test.
  if (soakOps === undefined)
    it(`keeps every stone exactly once and current on both platforms over ${runs} random sequences`, async () => {
      let run = 0;
      const details = await fc.check(
        fc.asyncProperty(sequenceArbitrary(5, replayPath), async (commands) => {
          run += 1;
          const violations = await runSequence(world, bridge, commands, run, 4, tally);
          if (violations.length > 0)
            throw new Error(`${violations.join('\n')}\n--- process output ---\n${world.logs()}`);
        }),
        {
          numRuns: runs,
          // Shrinking re-runs sequences against real processes: bounded, so a failure reports in minutes.
          interruptAfterTimeLimit: 10 * 60_000,
          markInterruptAsFailure: true,
          ...(envInt('TRACEBRIDGE_MODEL_SEED') === undefined
            ? {}
            : { seed: envInt('TRACEBRIDGE_MODEL_SEED')! }),
          ...(process.env['TRACEBRIDGE_MODEL_PATH']
            ? { path: process.env['TRACEBRIDGE_MODEL_PATH'], endOnFailure: true }
            : {}),
        },
      );
      process.stdout.write(
        `model-based sync: ${tally.sequences} sequences, ${tally.checks} stones checked on both platforms; commands run: ${JSON.stringify(tally.commands)}\n`,
      );
      if (details.failed) expect.fail(describeFailure(details));
      // A replay runs the reported sequence (and its neighbours), not the full count.
      if (!process.env['TRACEBRIDGE_MODEL_PATH']) expect(tally.sequences).toBeGreaterThanOrEqual(runs);
    }, 900_000);
  else
    it(
      `keeps every stone exactly once and current after one long sequence (${soakOps ?? 0} commands)`,
      async () => {
        const seed = envInt('TRACEBRIDGE_MODEL_SEED') ?? Date.now() % 2 ** 31;
        const [commands] = fc.sample(longSequenceArbitrary(soakOps), { seed, numRuns: 1 });
        const violations = await runSequence(
          world,
          bridge,
          commands!,
          1,
          Math.max(4, Math.ceil(soakOps / 20)),
          tally,
        );
        process.stdout.write(
          `soak (seed ${seed}): ${soakOps} commands, ${tally.stones} stones stored and settled, ${tally.checks} stones checked on both platforms\n` +
            `commands run: ${JSON.stringify(tally.commands)}\n` +
            'checked: each stone registered once on the ledger and created once in the intake, both holding its last stored content and custodian; nothing acknowledged lost; no job failed for a retryable reason; the feeds caught up with both platforms; every stored stone in sync or failed for good; no webhook lost\n',
        );
        expect(violations, `seed ${seed}`).toEqual([]);
      },
      24 * 3_600_000,
    );
});
