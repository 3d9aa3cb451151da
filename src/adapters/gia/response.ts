/**
 * What GIA's Report Results API answers, as a person or a client may hand it over, read into the records it
 * holds. GIA answers in several shapes (report-results/docs and example-queries in GIA's documentation):
 * `{data: {getReport: ...}}`, `{data: {getReportEnc: ...}}` for an encrypted report number, and several
 * aliased lookups in one request (`{data: {report1: ..., report2: ...}}`). GIA's own refusals are reported as
 * GIA states them: `errors[]` beside HTTP 200 (REPORT UNAVAILABLE, QUOTA REACHED, MalformedHttpRequest...),
 * and the bare `{message}` body of a 403 (a bad key) or a 429 (too many requests).
 */
import { MappingError } from '../../mapping/errors.js';
import type { GiaRecord } from './native.js';

/** One entry of GIA's `errors[]`, as GIA documents it. */
export interface GiaResponseErrorEntry {
  message?: string | null;
  errorType?: string | null;
  errorInfo?: string | null;
  path?: unknown[] | null;
}

/** A whole GraphQL response body: lookups by field or alias, and GIA's errors. */
export interface GiaResponseBody {
  data?: Record<string, GradingReportOrNull> | null;
  errors?: GiaResponseErrorEntry[];
}

type GradingReportOrNull = GiaRecord | null;

/**
 * GIA refused the lookup: its own error type, detail and message, e.g. `REPORT UNAVAILABLE (REPORT IN
 * HOUSE) for report1: The item with this report number is undergoing service by GIA...`. A MappingError, so
 * a translation that meets it fails like any input it cannot translate, with GIA's words instead of ours.
 */
export class GiaResponseError extends MappingError {
  /** GIA's `errors[]` (or the `message` of an HTTP error body), as GIA sent them. */
  readonly errors: readonly GiaResponseErrorEntry[];

  constructor(pointer: string, errors: readonly GiaResponseErrorEntry[]) {
    super(pointer, null, 'a GradingReport');
    this.errors = errors;
    this.message = `GIA refused the lookup: ${errors.map(describe).join('; ')}`;
  }
}

function describe(error: GiaResponseErrorEntry): string {
  const info = error.errorInfo ? ` (${error.errorInfo})` : '';
  const path = Array.isArray(error.path) && error.path.length > 0 ? ` for ${error.path.join('.')}` : '';
  const kind = error.errorType ? `${error.errorType}${info}${path}: ` : path ? `${path.slice(5)}: ` : '';
  return `${kind}${error.message ?? 'no message'}`;
}

/**
 * Every record in what was handed over, in the response's order: a bare `GradingReport` or intake record
 * is one; a response body holds one per lookup (`getReport`, `getReportEnc`, or aliases). Throws
 * {@link GiaResponseError} with GIA's own words when GIA refused any lookup, and MappingError when the input
 * is none of these.
 */
export function readGiaResponse(input: unknown): GiaRecord[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MappingError('', input, 'a GIA GradingReport, a GraphQL response body or an intake record');
  }
  const body = input as Record<string, unknown>;
  if (isHttpErrorBody(body)) throw new GiaResponseError('/message', [{ message: body.message as string }]);
  if (!('data' in body) && !('errors' in body)) return [input as GiaRecord];
  const errors = Array.isArray(body.errors) ? (body.errors as GiaResponseErrorEntry[]) : [];
  if (errors.length > 0) throw new GiaResponseError(errorPointer(errors, body.data), errors);
  const data = body.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MappingError('/data', data ?? null, 'the lookups GIA answered, such as {"getReport": {...}}');
  }
  const lookups = Object.entries(data as Record<string, unknown>);
  if (lookups.length === 0) throw new MappingError('/data', data, 'at least one report lookup');
  return lookups.map(([field, record]) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new MappingError(`/data/${field}`, record, 'a GradingReport');
    }
    return record as GiaRecord;
  });
}

/** The one record in what was handed over; a response holding several reports must be read with {@link readGiaResponse}. */
export function unwrapGiaResponse(input: unknown): GiaRecord {
  const records = readGiaResponse(input);
  if (records.length !== 1) {
    throw new MappingError('/data', input, `one report lookup (this response holds ${records.length})`);
  }
  return records[0]!;
}

/** `{"message": "Authorization denied."}`: the whole body of GIA's 403, and of a 429, says only why. */
function isHttpErrorBody(body: Record<string, unknown>): boolean {
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'message' && typeof body.message === 'string';
}

/** Where GIA's error points: its `path`, else the lookup that came back null, else the errors themselves. */
function errorPointer(errors: readonly GiaResponseErrorEntry[], data: unknown): string {
  const path = errors[0]?.path;
  if (Array.isArray(path) && path.length > 0) return `/data/${path.map(String).join('/')}`;
  const empty =
    data !== null && typeof data === 'object'
      ? Object.entries(data).find(([, value]) => value === null)?.[0]
      : undefined;
  return empty === undefined ? '/errors' : `/data/${empty}`;
}
