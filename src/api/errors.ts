import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { PlatformError } from '../adapters/errors.js';
import { LookupQueryError } from '../lookup/types.js';
import { UnknownStoneError } from '../lookup/lookup.js';
import { JobCursorError } from '../queue/job-pages.js';
import { JobNotFoundError, JobStateError } from '../queue/job-views.js';
import { ForeignIdentifierConflictError, RegistrationError } from '../sync/register.js';
import {
  IdentifierConflictError,
  IdentityConflictError,
  StoreInputError,
  VersionConflictError,
} from '../store/errors.js';
import { ReplicationTimeoutError } from '../store/replicas.js';
import { ApiProblem, invalidField, sendProblem } from './problem.js';

/**
 * Turns whatever a handler threw into a problem+json answer. Known failures keep their meaning (a conflict
 * is 409, a bad record 422); anything else is logged with its stack and answered as a bare 500, so a
 * client never sees internals.
 */
export function toProblem(error: unknown): ApiProblem | undefined {
  if (error instanceof ApiProblem) return error;
  if (error instanceof UnknownStoneError) return new ApiProblem('not-found', error.message);
  if (error instanceof LookupQueryError) {
    return new ApiProblem('invalid-request', error.message, [
      { pointer: `#/query/${error.parameter}`, message: error.message },
    ]);
  }
  if (error instanceof RegistrationError) {
    return new ApiProblem(
      'invalid-record',
      `the record is not valid: ${error.issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`,
      error.issues,
    );
  }
  if (error instanceof ForeignIdentifierConflictError) {
    return new ApiProblem('conflict', error.message, [
      {
        pointer: `/identifiers/${error.identifier}`,
        message: 'already belongs to a stone held by another organisation',
      },
    ]);
  }
  if (error instanceof IdentifierConflictError) {
    return new ApiProblem('conflict', error.message, [
      {
        pointer: `/identifiers/${error.identifier}`,
        message: `already belongs to ${error.ownerId}`,
        holder: error.ownerId,
      },
    ]);
  }
  if (
    error instanceof VersionConflictError ||
    error instanceof IdentityConflictError ||
    error instanceof JobStateError
  ) {
    return new ApiProblem('conflict', error.message);
  }
  if (error instanceof JobNotFoundError) return new ApiProblem('not-found', error.message);
  if (error instanceof JobCursorError) return invalidField('#/query/cursor', error.message);
  if (error instanceof StoreInputError) {
    return new ApiProblem('invalid-request', error.message, [
      { pointer: '', message: `${error.field} is not valid` },
    ]);
  }
  if (error instanceof PlatformError) return new ApiProblem('platform-unavailable', error.message);
  // Stored on the master but not yet on a replica: the client retries (with its Idempotency-Key).
  if (error instanceof ReplicationTimeoutError) return new ApiProblem('unavailable', error.message);
  const http = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (http.type === 'entity.too.large')
    return new ApiProblem('payload-too-large', 'the request body is larger than the limit');
  if (typeof http.status === 'number' && http.status >= 400 && http.status < 500 && http.expose === true) {
    return new ApiProblem('invalid-request', `the request could not be read: ${(error as Error).message}`);
  }
  return undefined;
}

/** The app's last error handler. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    if (problem) {
      if (problem.status >= 500) logger.warn({ err: error, path: req.path }, problem.detail);
      sendProblem(res, problem, req.originalUrl.split('?')[0]);
      return;
    }
    logger.error({ err: error, path: req.path, method: req.method }, 'unhandled error');
    sendProblem(
      res,
      new ApiProblem('internal', 'the bridge failed to answer this request; the error is logged'),
      req.originalUrl.split('?')[0],
    );
  };
}
