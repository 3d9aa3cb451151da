/**
 * The adapter conformance suite: one set of tests that every adapter, built-in or third-party, passes. It is
 * shipped as `tracebridge/conformance`, so it takes the test runner's functions as a parameter instead of
 * importing one, and it judges writes by reading the platform's own state (the far side), never by trusting
 * what the adapter says it wrote.
 *
 * A platform that cannot do something (take writes, offer a change feed, batch writes) is described with a
 * switch in {@link ConformanceTarget.lacks}; the suite then checks that the adapter does not claim it, rather
 * than skipping the checks in silence.
 */
import type {
  AdapterDefinition,
  ConnectOptions,
  PlatformClient,
  StoneIdentifiers,
} from '../adapters/contract.js';
import { contractProblems } from '../adapters/define.js';
import { validateDiamond } from '../mapping/validate.js';
import type { DiamondRecord } from '../types/diamond.js';
import { platformChecks, type SuiteContext } from './platform.js';
import { coveredBy, deepFreeze, differingPointers, lossPointers, type TestApi } from './support.js';

export type { TestApi } from './support.js';

/**
 * Faults the far side injects into every platform call, as the simulators' `POST /admin/faults` takes them.
 * A third-party platform's test double implements the same four.
 */
export interface Faults {
  /** Delay before each call is handled. */
  latencyMs: number;
  /** Share of calls (0..1) that fail with 503 before doing anything. */
  errorRate: number;
  /** Calls per second served before answering 429 with Retry-After; 0 means no limit. */
  rateLimitPerSec: number;
  /** Share of calls (0..1) that do their work, commit it, and then lose the reply. */
  dropResponseRate: number;
}

/** Reads and steers the platform from its own side, past the adapter: what actually landed, and faults. */
export interface FarSide<Native = unknown> {
  /** How many writes the platform applied to the stone `ref`, or to all stones when `ref` is omitted. */
  committedWrites(ref?: string): Promise<number>;
  /** The stone as the platform holds it, in the adapter's native shape; null when it holds no such stone. */
  readNative(ref: string): Promise<Native | null>;
  /** Sets the platform's injected faults (the simulators' `POST /admin/faults` body); omitted ones keep their value. */
  setFaults(faults: Partial<Faults>): Promise<void>;
  /**
   * Causes one change on the platform as another participant would (the lab issues a report, the stock room
   * receives a stone), never through the adapter. Without `ref` it changes a stone no earlier call changed.
   * Answers the platform reference of the changed stone.
   */
  makeChange(ref?: string): Promise<string>;
  /** Forgets every stone and write, and clears the faults. */
  reset(): Promise<void>;
}

/** A running platform for the suite: how the adapter connects to it, and its far side. */
export interface StartedPlatform<Native, Options extends ConnectOptions> {
  connect: Options;
  farSide: FarSide<Native>;
  stop(): Promise<void>;
}

/** A native record whose trip to canonical and back the suite checks. */
export interface Golden<Native> {
  /** Names the case in test titles: `tracr-polished-with-lineage`. */
  name: string;
  native: Native;
  /**
   * JSON pointers the two loss reports of the round trip must name, exactly (native pointers from
   * `toCanonical`, canonical pointers from `fromCanonical`). Omitted or empty: the round trip is lossless.
   */
  expectedLoss?: string[];
  /** When given, `toCanonical(native).value` must equal this record. */
  canonical?: DiamondRecord;
}

/** A record the platform must refuse, and the field its refusal must name. */
export interface Unwritable {
  name: string;
  record: DiamondRecord;
  /** The canonical path (`kind`, `polished.color`) or native field the error names. */
  field: string;
}

/** What the platform cannot do; the suite checks that the adapter does not declare it. */
export interface PlatformLacks {
  /** The platform takes no writes: `capabilities.write` is false and `put` fails as unrecoverable. */
  write?: boolean;
  /** The platform has no change feed: `capabilities.changeFeed` is false and the client has no `changes`. */
  changeFeed?: boolean;
  /** The platform writes one stone per call: `capabilities.batchWriteSize` is 1. */
  batch?: boolean;
}

/** One adapter and the platform it talks to, as the suite needs them. */
export interface ConformanceTarget<Native = unknown, Options extends ConnectOptions = ConnectOptions> {
  adapter: AdapterDefinition<Native, Options>;
  /** Starts the platform (for built-ins, its simulator on port 0). */
  start(): Promise<StartedPlatform<Native, Options>>;
  goldens: Golden<Native>[];
  /** Records the platform accepts for `put`. Needed unless `lacks.write`. */
  writable: DiamondRecord[];
  unwritable?: Unwritable[];
  /** A reference in the platform's own format that it does not hold. */
  unknownRef: string;
  lacks?: PlatformLacks;
  /**
   * Identifier kinds the platform can search by. Default: every identifier on the stone as read back. A kind
   * left out must still answer `find` with a list (possibly empty), not fail.
   */
  findableBy?: (keyof StoneIdentifiers)[];
  /**
   * JSON pointers into the canonical record that the platform sets itself on a write (a ledger's
   * `registered` event), left out when comparing what landed with what was written.
   */
  landedIgnores?: string[];
  /** How many changes the feed check makes; set the page size in `connect` below this. Default 5. */
  feedChanges?: number;
}

/** Runs the conformance suite for `target` with the given test functions (vitest's, jest's, node:test's). */
export function runAdapterConformance<Native, Options extends ConnectOptions>(
  target: ConformanceTarget<Native, Options>,
  t: TestApi,
): void {
  const { adapter } = target;
  const lacks = target.lacks ?? {};
  const say = (what: string): string => `[${adapter.name}] ${what}`;
  const check = (condition: boolean, what: string): void => {
    if (!condition) throw new Error(say(what));
  };
  const same = (actual: unknown, expected: unknown, what: string): void =>
    t.expect(actual, say(what)).toEqual(expected);
  /** Calls `transform` twice on one deep-frozen input: equal answers, and no write to the input. */
  const twice = <I, O>(transform: (input: I) => O, input: I, what: string): O => {
    const frozen = deepFreeze(structuredClone(input));
    const call = (): O => {
      try {
        return transform(frozen);
      } catch (error) {
        const wrote =
          error instanceof TypeError &&
          /read.only|frozen|not extensible|Cannot (delete|assign|add)/i.test(error.message);
        throw wrote
          ? new Error(say(`${what} wrote to its input: ${error.message}`), { cause: error })
          : error;
      }
    };
    const first = call();
    same(call(), first, `${what} twice on one input`);
    return first;
  };

  let platform: StartedPlatform<Native, Options> | undefined;
  let client: PlatformClient<Native> | undefined;
  let keys = 0;
  const suite: SuiteContext<Native, Options> = {
    target,
    t,
    say,
    check,
    same,
    running() {
      check(platform !== undefined && client !== undefined, 'the platform did not start');
      return { farSide: platform!.farSide, client: client! };
    },
    idempotencyKey: (what) => `conformance-${adapter.name}-${what}-${++keys}-${Date.now()}`,
    async withFaults(faults, body) {
      const { farSide } = suite.running();
      await farSide.setFaults(faults);
      try {
        return await body();
      } finally {
        // Always off again, so that one failing check does not make the next ones fail too.
        await farSide.setFaults({ latencyMs: 0, errorRate: 0, rateLimitPerSec: 0, dropResponseRate: 0 });
      }
    },
    firstWritable() {
      const record = target.writable[0];
      check(record !== undefined, 'the target lists no writable record, yet the platform takes writes');
      return record!;
    },
  };

  t.describe(`adapter conformance: ${adapter.name}`, () => {
    t.beforeAll(async () => {
      platform = await target.start();
      client = adapter.connect(platform.connect);
    });
    t.afterAll(async () => {
      await client?.close?.();
      await platform?.stop();
    });

    t.describe('definition', () => {
      t.it('meets the adapter contract', () => {
        same(contractProblems(adapter), [], 'contract problems');
      });
      t.it('comes with golden records and writable records to check it with', () => {
        check(target.goldens.length > 0, 'the target lists no golden records');
        check(lacks.write === true || target.writable.length > 0, 'the target lists no writable records');
      });
      t.it(lacks.write ? 'declares no writes, as the platform takes none' : 'declares writes', () => {
        check(
          adapter.capabilities.write === !lacks.write,
          `capabilities.write is ${adapter.capabilities.write}`,
        );
        check(
          adapter.capabilities.writes.length > 0 === !lacks.write,
          `capabilities.writes is [${adapter.capabilities.writes.join(', ')}]`,
        );
      });
      t.it(
        lacks.changeFeed ? 'declares no change feed, as the platform has none' : 'declares a change feed',
        () => {
          check(
            adapter.capabilities.changeFeed === !lacks.changeFeed,
            `capabilities.changeFeed is ${adapter.capabilities.changeFeed}`,
          );
          const hasChanges = typeof suite.running().client.changes === 'function';
          check(hasChanges === !lacks.changeFeed, `the client ${hasChanges ? 'has' : 'has no'} changes()`);
        },
      );
      t.it(
        lacks.batch
          ? 'declares a batch size of 1, as the platform writes one stone per call'
          : 'declares batch writes',
        () => {
          const size = adapter.capabilities.batchWriteSize;
          check(lacks.batch ? size === 1 : size > 1, `capabilities.batchWriteSize is ${size}`);
        },
      );
    });

    t.describe('transforms', () => {
      for (const golden of target.goldens) {
        const expected = [...new Set(golden.expectedLoss ?? [])].sort();
        const title = expected.length === 0 ? 'is lossless' : `loses exactly ${expected.join(', ')}`;
        t.it(`golden ${golden.name}: the round trip native -> canonical -> native ${title}`, () => {
          const there = adapter.toCanonical(structuredClone(golden.native));
          const back = adapter.fromCanonical(there.value);
          same(
            lossPointers(there.loss, back.loss),
            expected,
            `golden ${golden.name}: pointers in the loss reports`,
          );
          if (expected.length === 0)
            same(back.value, golden.native, `golden ${golden.name}: native after the round trip`);
          const unexplained = differingPointers(golden.native, back.value).filter(
            (p) => !coveredBy(p, expected),
          );
          same(unexplained, [], `golden ${golden.name}: round-trip differences no loss entry names`);
        });
        const equalTo = golden.canonical ? ' equal to the golden canonical record' : '';
        t.it(`golden ${golden.name}: toCanonical gives a schema-valid record${equalTo}`, () => {
          const { value } = adapter.toCanonical(structuredClone(golden.native));
          const validation = validateDiamond(value);
          same(validation.valid ? [] : validation.errors, [], `golden ${golden.name}: schema errors`);
          if (golden.canonical) same(value, golden.canonical, `golden ${golden.name}: canonical record`);
        });
        t.it(`golden ${golden.name}: toCanonical and fromCanonical are pure`, () => {
          const first = twice(
            (native: Native) => adapter.toCanonical(native),
            golden.native,
            `golden ${golden.name}: toCanonical`,
          );
          twice(
            (canonical: DiamondRecord) => adapter.fromCanonical(canonical),
            first.value,
            `golden ${golden.name}: fromCanonical`,
          );
        });
      }
      target.writable.forEach((record, index) => {
        t.it(`writable record ${index + 1} is schema-valid and fromCanonical is pure on it`, () => {
          const validation = validateDiamond(record);
          same(validation.valid ? [] : validation.errors, [], `writable record ${index + 1}: schema errors`);
          twice(
            (canonical: DiamondRecord) => adapter.fromCanonical(canonical),
            record,
            `writable record ${index + 1}: fromCanonical`,
          );
        });
      });
    });

    platformChecks(suite);
  });
}
