/**
 * The conformance checks that need the platform running: writes judged by the far side, reads, error
 * classification under injected faults, and the change feed.
 */
import type { ConnectOptions, PlatformClient, StoneIdentifiers } from '../adapters/contract.js';
import { fieldGroupPaths } from '../adapters/contract.js';
import { validateDiamond } from '../mapping/validate.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { ConformanceTarget, FarSide, Faults } from './suite.js';
import {
  asPlatformError,
  coveredBy,
  expectPlatformError,
  namesField,
  subsetMismatches,
  type TestApi,
} from './support.js';

/** What the platform checks share with the suite's entry point. */
export interface SuiteContext<Native, Options extends ConnectOptions> {
  target: ConformanceTarget<Native, Options>;
  t: TestApi;
  /** Prefixes a message with the adapter's name. */
  say: (what: string) => string;
  /** Fails with `what` (naming the adapter) unless `condition` holds. */
  check: (condition: boolean, what: string) => void;
  /** Deep equality, failing with `what` and a diff. */
  same: (actual: unknown, expected: unknown, what: string) => void;
  /** The connected client and the far side; fails when the platform did not start. */
  running: () => { farSide: FarSide<Native>; client: PlatformClient<Native> };
  /** A key no other put of this run uses. */
  idempotencyKey: (what: string) => string;
  /** Runs `body` with faults on, and turns them off again however it ends. */
  withFaults: <T>(faults: Partial<Faults>, body: () => Promise<T>) => Promise<T>;
  /** The first writable record; fails when the target lists none. */
  firstWritable: () => DiamondRecord;
}

/** Registers the checks that run against the started platform. */
export function platformChecks<Native, Options extends ConnectOptions>(
  suite: SuiteContext<Native, Options>,
): void {
  const { target, t, say, check, same, running, idempotencyKey, withFaults, firstWritable } = suite;
  const { adapter } = target;
  const lacks = target.lacks ?? {};

  t.describe('writes, read back from the platform itself', () => {
    if (lacks.write) {
      t.it('put is refused as unrecoverable, as the platform takes no writes', async () => {
        const record = target.writable[0] ?? {
          schemaVersion: '1',
          kind: 'rough',
          rough: { caratWeight: 1 },
        };
        const error = await expectPlatformError(
          running().client.put(record, { idempotencyKey: idempotencyKey('refused') }),
          say('put'),
        );
        check(error.failure === 'unrecoverable', `put failed as ${error.failure}: ${error.message}`);
      });
      return;
    }
    t.it('a put lands exactly once, and what landed is what was written', async () => {
      const { client, farSide } = running();
      await farSide.reset();
      for (const [index, record] of target.writable.entries()) {
        const before = await farSide.committedWrites();
        const result = await client.put(record, { idempotencyKey: idempotencyKey('put') });
        check(
          result.outcome === 'created',
          `writable record ${index + 1}: put answered ${result.outcome}, not created`,
        );
        same(
          await farSide.committedWrites(result.ref),
          1,
          `writable record ${index + 1}: writes committed to ${result.ref}`,
        );
        same(
          (await farSide.committedWrites()) - before,
          1,
          `writable record ${index + 1}: writes committed in all`,
        );
        const native = await farSide.readNative(result.ref);
        check(native !== null, `writable record ${index + 1}: the platform holds nothing at ${result.ref}`);
        const landed = adapter.toCanonical(native!).value;
        const lost = adapter.fromCanonical(record).loss.map((entry) => entry.pointer);
        const paths = adapter.capabilities.writes.flatMap((group) => fieldGroupPaths[group]);
        const mismatches = subsetMismatches(record, landed, paths).filter(
          (pointer) => !coveredBy(pointer, [...lost, ...(target.landedIgnores ?? [])]),
        );
        same(
          mismatches,
          [],
          `writable record ${index + 1}: fields that landed differently from how they were written`,
        );
        const read = await client.get(result.ref);
        check(
          read?.ref === result.ref,
          `writable record ${index + 1}: get(${result.ref}) answered ${read?.ref ?? 'null'}`,
        );
      }
    });

    t.it('a repeated put with the same idempotency key writes nothing more', async () => {
      const { client, farSide } = running();
      await farSide.reset();
      const key = idempotencyKey('repeat');
      const first = await client.put(firstWritable(), { idempotencyKey: key });
      const again = await client.put(firstWritable(), { idempotencyKey: key });
      check(
        again.outcome === 'unchanged' || again.ref === first.ref,
        `the repeat answered ${again.outcome} at ${again.ref}, first ${first.ref}`,
      );
      same(
        await farSide.committedWrites(first.ref),
        1,
        `writes committed to ${first.ref} after a repeated put`,
      );
      same(await farSide.committedWrites(), 1, 'writes committed in all after a repeated put');
    });

    t.it(
      'a put whose reply is lost fails as ambiguous and retryable, and its retry writes once',
      async () => {
        const { client, farSide } = running();
        await farSide.reset();
        const key = idempotencyKey('lost-reply');
        const error = await withFaults({ dropResponseRate: 1 }, () =>
          expectPlatformError(
            client.put(firstWritable(), { idempotencyKey: key }),
            say('put with every reply lost'),
          ),
        );
        check(error.failure === 'retryable', `a lost reply failed as ${error.failure}: ${error.message}`);
        check(error.ambiguous, `a lost reply was not marked ambiguous: ${error.message}`);
        const retry = await client.put(firstWritable(), { idempotencyKey: key });
        same(await farSide.committedWrites(retry.ref), 1, `writes committed to ${retry.ref} after the retry`);
        same(await farSide.committedWrites(), 1, 'writes committed in all after a lost reply and its retry');
      },
    );

    t.it('a put while the platform fails every call is retryable and writes nothing', async () => {
      const { client, farSide } = running();
      await farSide.reset();
      const error = await withFaults({ errorRate: 1 }, () =>
        expectPlatformError(
          client.put(firstWritable(), { idempotencyKey: idempotencyKey('outage') }),
          say('put in an outage'),
        ),
      );
      check(error.failure === 'retryable', `a put in an outage failed as ${error.failure}: ${error.message}`);
      same(await farSide.committedWrites(), 0, 'writes committed during an outage');
    });

    for (const bad of target.unwritable ?? []) {
      t.it(`refuses ${bad.name} as unrecoverable, naming ${bad.field}`, async () => {
        const { client, farSide } = running();
        const before = await farSide.committedWrites();
        const error = await expectPlatformError(
          client.put(bad.record, { idempotencyKey: idempotencyKey('unwritable') }),
          say(`put of ${bad.name}`),
        );
        check(error.failure === 'unrecoverable', `${bad.name} failed as ${error.failure}: ${error.message}`);
        check(
          namesField(error, bad.field),
          `${bad.name}: the error does not name ${bad.field}: ${error.message}`,
        );
        same(await farSide.committedWrites(), before, `writes committed by refusing ${bad.name}`);
      });
    }
  });

  t.describe('reads', () => {
    t.it('get of a reference the platform does not hold answers null', async () => {
      same(await running().client.get(target.unknownRef), null, `get(${target.unknownRef})`);
    });

    t.it('find by each identifier the stone carries finds it', async () => {
      const { client, farSide } = running();
      await farSide.reset();
      const refs = [await farSide.makeChange()];
      const searched = new Set<keyof StoneIdentifiers>();
      if (!lacks.write)
        refs.push((await client.put(firstWritable(), { idempotencyKey: idempotencyKey('find') })).ref);
      for (const ref of refs) {
        const stone = await client.get(ref);
        check(stone !== null, `get(${ref}) answered null for a stone the platform holds`);
        const validation = validateDiamond(stone!.canonical);
        same(validation.valid ? [] : validation.errors, [], `get(${ref}): schema errors`);
        const identifiers = Object.entries(stone!.canonical.identifiers ?? {}) as [
          keyof StoneIdentifiers,
          string,
        ][];
        check(identifiers.length > 0, `get(${ref}) gave a stone with no identifiers to find it by`);
        for (const [kind, value] of identifiers) {
          const found = await client.find({ [kind]: value });
          check(Array.isArray(found), `find by ${kind} ${value} did not answer a list`);
          if (target.findableBy && !target.findableBy.includes(kind)) continue;
          searched.add(kind);
          check(
            found.some((r) => r.ref === ref),
            `find by ${kind} ${value} did not find ${ref} (found ${found.map((r) => r.ref).join(', ') || 'nothing'})`,
          );
        }
      }
      const unsearched = (target.findableBy ?? []).filter((kind) => !searched.has(kind));
      check(
        unsearched.length === 0,
        `findableBy names ${unsearched.join(', ')}, but no stone read back carries it`,
      );
    });

    t.it('a read while the platform fails every call is retryable', async () => {
      const { client } = running();
      const error = await withFaults({ errorRate: 1 }, () =>
        expectPlatformError(client.get(target.unknownRef), say('get in an outage')),
      );
      check(error.failure === 'retryable', `a get in an outage failed as ${error.failure}: ${error.message}`);
    });

    t.it('a rate-limited call is retryable and carries retryAfterMs', async () => {
      const { client } = running();
      // One call a second is admitted, so of ten calls one after another at least one is refused.
      const tenCalls = async (): Promise<void> => {
        for (let call = 0; call < 10; call++) await client.get(target.unknownRef);
      };
      const error = await withFaults({ rateLimitPerSec: 1 }, () =>
        expectPlatformError(tenCalls(), say('ten gets at 1 call per second')),
      );
      check(error.failure === 'retryable', `a 429 failed as ${error.failure}: ${error.message}`);
      check(
        typeof error.retryAfterMs === 'number' && error.retryAfterMs > 0,
        `a 429 carried retryAfterMs ${error.retryAfterMs}`,
      );
    });

    t.it('health is ok while the platform is up, and not ok while it fails every call', async () => {
      const { client } = running();
      const up = await client.health();
      check(up.ok && up.latencyMs >= 0, `health while up: ${JSON.stringify(up)}`);
      const down = await withFaults({ errorRate: 1 }, () =>
        client.health().catch((error: unknown) => asPlatformError(error, say('health in an outage'))),
      );
      if ('failure' in down)
        check(down.failure === 'retryable', `health in an outage failed as ${down.failure}`);
      else check(!down.ok, `health in an outage: ${JSON.stringify(down)}`);
    });
  });
  if (lacks.changeFeed) return;
  t.describe('change feed', () => {
    const drain = async (from: string | null) => {
      const changes = running().client.changes!.bind(running().client);
      const refs: string[] = [];
      let cursor = from;
      let pages = 0;
      for (;;) {
        const page = await changes(cursor);
        pages += 1;
        check(pages <= 1000, 'the change feed did not end after 1000 pages');
        for (const change of page.changes) {
          const validation = validateDiamond(change.canonical);
          same(validation.valid ? [] : validation.errors, [], `change ${change.ref}: schema errors`);
          refs.push(change.ref);
        }
        check(
          page.changes.length === 0 || page.cursor !== null,
          'a page with changes gave no cursor to store',
        );
        cursor = page.cursor ?? cursor;
        if (!page.more) return { refs, cursor, pages };
      }
    };

    t.it('pages through each change exactly once, and the final cursor yields nothing new', async () => {
      const { farSide } = running();
      const { cursor: start } = await drain(null);
      const made: string[] = [];
      for (let n = 0; n < (target.feedChanges ?? 5); n++) made.push(await farSide.makeChange());
      check(new Set(made).size === made.length, `makeChange() changed one stone twice: ${made.join(', ')}`);
      const { refs, cursor, pages } = await drain(start);
      same([...refs].sort(), [...made].sort(), 'stones in the change feed after the changes made');
      check(
        pages > 1,
        `${made.length} changes came in ${pages} page(s); set a page size below ${made.length} in connect`,
      );
      const after = await drain(cursor);
      same(after.refs, [], 'changes after the final cursor');
    });

    t.it('resumes from a stored cursor with only what changed since', async () => {
      const { farSide } = running();
      const { cursor } = await drain(null);
      const ref = await farSide.makeChange();
      same((await drain(cursor)).refs, [ref], 'changes since the stored cursor');
    });
  });
}
