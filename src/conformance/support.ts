/**
 * Helpers for the adapter conformance suite: the test functions it is given, and comparisons that answer
 * with JSON pointers so a failure says which field was at fault.
 */
import type { FailureClass } from '../adapters/errors.js';
import type { LossEntry } from '../mapping/loss.js';

/** A test body; the suite's bodies are all synchronous or async without arguments. */
type TestBody = () => void | Promise<void>;

/**
 * The test runner's functions the suite needs. vitest's and jest's fit as they are; the suite never imports
 * a runner itself. `expect(actual, message).toEqual(expected)` is used for deep equality, with a message
 * naming the adapter and the check (runners that ignore the message still show the diff).
 */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: TestBody): void;
  beforeAll(body: () => Promise<void>): void;
  afterAll(body: () => Promise<void>): void;
  expect(actual: unknown, message?: string): { toEqual(expected: unknown): void };
}

/** What the suite reads from a failure; a {@link PlatformError} from any copy of tracebridge has it. */
export interface ClassifiedFailure extends Error {
  failure: FailureClass;
  ambiguous: boolean;
  field?: string | undefined;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
}

/**
 * Awaits `call` and answers the classified failure it must end in. Checked by shape rather than
 * `instanceof`, because a third-party adapter may carry its own copy of tracebridge.
 */
export async function expectPlatformError(call: Promise<unknown>, what: string): Promise<ClassifiedFailure> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    return asPlatformError(error, what);
  }
  throw new Error(`${what} succeeded with ${JSON.stringify(outcome)}; expected a PlatformError`);
}

/** `error` as a classified failure; anything else fails the check, saying what it was instead. */
export function asPlatformError(error: unknown, what: string): ClassifiedFailure {
  const failure = (error as Partial<ClassifiedFailure> | null)?.failure;
  if (
    error instanceof Error &&
    error.name === 'PlatformError' &&
    (failure === 'retryable' || failure === 'unrecoverable')
  ) {
    return error as ClassifiedFailure;
  }
  const described = error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
  throw new Error(
    `${what} failed with ${described}; expected a PlatformError classified retryable or unrecoverable`,
    {
      cause: error,
    },
  );
}

/**
 * True when the failure names `field`, in its `field` property or its message. A JSON pointer (`/polished/color`)
 * and a dotted path (`polished.color`) name the same field.
 */
export function namesField(error: ClassifiedFailure, field: string): boolean {
  const dotted = (path: string): string => path.replace(/^\//, '').replaceAll('/', '.');
  return (
    (error.field !== undefined && dotted(error.field) === dotted(field)) || error.message.includes(field)
  );
}

/** Freezes `value` and everything inside it, so a transform that writes to its input throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** The JSON pointers named by the loss reports, each once, sorted. */
export function lossPointers(...reports: LossEntry[][]): string[] {
  return [...new Set(reports.flat().map((entry) => entry.pointer))].sort();
}

/** True when `pointer` is one of `pointers`, lies inside one, or contains one. */
export function coveredBy(pointer: string, pointers: readonly string[]): boolean {
  return pointers.some((p) => p === pointer || pointer.startsWith(`${p}/`) || p.startsWith(`${pointer}/`));
}

/** Pointers of the leaves where two JSON values differ; an array of another length differs as a whole. */
export function differingPointers(a: unknown, b: unknown, at = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingPointers(a[key], b[key], `${at}/${escapePointer(key)}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, index) => differingPointers(item, b[index], `${at}/${index}`));
  }
  return Object.is(a, b) ? [] : [at];
}

/**
 * Pointers where `landed` fails to hold what `written` holds under the top-level `paths`. Objects compare
 * member by member, so a platform may add what it assigns itself (its own identifier); arrays must match.
 */
export function subsetMismatches(written: object, landed: object, paths: readonly string[]): string[] {
  const inside = (want: unknown, got: unknown, at: string): string[] => {
    if (isPlainObject(want)) {
      if (!isPlainObject(got)) return [at];
      return Object.keys(want).flatMap((key) => inside(want[key], got[key], `${at}/${escapePointer(key)}`));
    }
    return differingPointers(want, got, at).length === 0 ? [] : [at];
  };
  const w = written as Record<string, unknown>;
  const l = landed as Record<string, unknown>;
  return paths
    .filter((path) => w[path] !== undefined)
    .flatMap((path) => inside(w[path], l[path], `/${path}`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
