/**
 * A value that cannot be understood. Mapping never falls back to a default: it fails with the field's
 * JSON pointer and the value it was given, so the person fixing the data knows where to look.
 */
export class MappingError extends Error {
  override readonly name = 'MappingError';

  constructor(
    /** JSON pointer of the field in the input (`/results/clarity_grade`). */
    readonly pointer: string,
    /** The value that was not understood. */
    readonly value: unknown,
    /** What was expected, e.g. "a clarity grade such as VS2 or Internally Flawless". */
    readonly expected: string,
  ) {
    super(`${pointer || '/'}: cannot understand ${JSON.stringify(value)}; expected ${expected}`);
  }
}
