import { invalidField } from '../problem.js';
import type { ParameterSpec } from './types.js';

/** A path parameter: always required, a string, and of `pattern`'s form when one is given. */
export function pathParam(name: string, description: string, pattern?: RegExp): ParameterSpec {
  return {
    name,
    description,
    required: true,
    schema: pattern ? { type: 'string', pattern: pattern.source } : { type: 'string' },
  };
}

/**
 * A whole-number query parameter between `min` and `max`, or `fallback` when it is absent; anything else is
 * a 400 naming the parameter, the range and what was sent.
 */
export function wholeNumberParam(
  query: Record<string, unknown>,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw invalidField(
      `#/query/${name}`,
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** `offset` and `limit` of a paged listing. */
export function pageParams(
  query: Record<string, unknown>,
  maxLimit: number,
  defaultLimit: number,
): { offset: number; limit: number } {
  return {
    offset: wholeNumberParam(query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
    limit: wholeNumberParam(query, 'limit', { min: 1, max: maxLimit, fallback: defaultLimit }),
  };
}
