/**
 * The one way an adapter says "this record cannot go to (or come from) my platform": an unrecoverable
 * PlatformError naming the adapter, the stone and the field as a dotted path (`polished.color`,
 * `results.clarity_grade`). Waiting will not change the record, so the queue fails the job at once with
 * the reason instead of retrying it.
 */
import { MappingError } from '../mapping/errors.js';
import { PlatformError } from './errors.js';
import { optional } from './http.js';

/** `/polished/color` becomes `polished.color`; a path already in dots is kept. */
export function fieldPath(pointer: string): string {
  if (!pointer.startsWith('/')) return pointer;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

/**
 * A value `adapter` cannot take: `refuse('inventory', 'polished.shape', 'rose', 'a shape the shelf lists')`
 * fails with "[inventory] cannot take "rose"; expected a shape the shelf lists (stone ..., field polished.shape)".
 */
export function refuse(
  adapter: string,
  field: string,
  value: unknown,
  expected: string,
  stone?: string,
): PlatformError {
  return new PlatformError(`cannot take ${JSON.stringify(value)}; expected ${expected}`, {
    adapter,
    failure: 'unrecoverable',
    field: fieldPath(field),
    ...optional('stone', stone),
  });
}

/** Where a refused translation happened, for the message. */
export interface RefusalContext {
  /** The stone concerned: its bridge ID or platform reference. */
  stone?: string | undefined;
  /** What was being done, put before the transform's message: "cannot read report 2141438171". */
  doing?: string;
}

/**
 * Runs a transform (`toCanonical`, `fromCanonical`); a {@link MappingError} becomes the adapter's refusal
 * naming the field, and any other error (a bug) passes through untouched.
 */
export function mapOrRefuse<T>(adapter: string, transform: () => T, context: RefusalContext = {}): T {
  try {
    return transform();
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return refuseMapping(adapter, error, context);
  }
}

function refuseMapping(adapter: string, error: MappingError, context: RefusalContext): never {
  throw new PlatformError(
    context.doing === undefined ? error.message : `${context.doing}: ${error.message}`,
    {
      adapter,
      failure: 'unrecoverable',
      field: fieldPath(error.pointer),
      cause: error,
      ...optional('stone', context.stone),
    },
  );
}
