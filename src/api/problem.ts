import type { Response } from 'express';

/**
 * Errors as RFC 9457 problem details. Every failure the API answers, from a bad field to an exhausted rate
 * limit, is one of these, so a client parses one shape and finds the offending field by its JSON pointer.
 */

/** One field-level problem: where in the request it is and what is wrong with it. */
export interface FieldProblem {
  /** JSON pointer into the request body (`/polished/color`), or `#/query/<name>` for a query parameter. */
  pointer: string;
  message: string;
  /** For a conflict: the caller's own stone that already holds the value, so a client can use it. */
  holder?: string;
}

/** The body of an `application/problem+json` answer. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
}

/** The problem types the API answers with; `type` is the URI, the key its short name. */
export const problemTypes = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'An API key is required' },
  forbidden: { status: 403, title: 'This API key may not do that' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the stored state' },
  'idempotency-key-in-flight': { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be JSON' },
  'invalid-record': { status: 422, title: 'The record is not valid' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for another request' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  'platform-unavailable': { status: 502, title: 'A platform did not answer' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

/** A problem type's short name. */
export type ProblemType = keyof typeof problemTypes;

const typeBase = 'https://tracebridge.dev/problems/';

/** A failure a handler throws; the error handler answers it as problem+json. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly status: number;

  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly errors?: FieldProblem[],
    /** Extra response headers, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = problemTypes[type].status;
  }

  /** The problem details body for the request at `instance`. */
  toJSON(instance?: string): ProblemDetails {
    const body: ProblemDetails = {
      type: `${typeBase}${this.type}`,
      title: problemTypes[this.type].title,
      status: this.status,
      detail: this.detail,
    };
    if (instance !== undefined) body.instance = instance;
    if (this.errors !== undefined && this.errors.length > 0) body.errors = this.errors;
    return body;
  }
}

/** Sends `problem` as `application/problem+json`. */
export function sendProblem(res: Response, problem: ApiProblem, instance?: string): void {
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem.toJSON(instance)));
}

/** A 400 naming one field. */
export function invalidField(pointer: string, message: string): ApiProblem {
  return new ApiProblem('invalid-request', `${pointer}: ${message}`, [{ pointer, message }]);
}
