/**
 * What the queue does with a failure: a retryable platform error backs off exponentially with full jitter,
 * never sooner than the platform's Retry-After; anything final fails the job at once with the reason
 * (adapter, stone, field) so that the failed job says what to fix.
 */
import { UnrecoverableError, type BackoffStrategy } from 'bullmq';
import { PlatformError } from '../adapters/errors.js';
import { MappingError } from '../mapping/errors.js';
import {
  CorruptEntryError,
  IdentifierConflictError,
  IdentityConflictError,
  StoreInputError,
  UnknownDiamondError,
} from '../store/errors.js';

/**
 * Attempts a sync job is given: no count ends its retries, only its age ({@link outlived}). BullMQ needs a
 * number; this one is never reached.
 */
export const UNCOUNTED_ATTEMPTS = Number.MAX_SAFE_INTEGER;

/** The backoff type sync jobs name, so BullMQ calls {@link jitterBackoff}. */
export const BACKOFF_TYPE = 'jitter';

/** Settings of {@link jitterBackoff}. */
export interface BackoffSettings {
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Source of randomness; tests pin it. */
  random?: () => number;
}

/**
 * Full jitter (a uniform delay between 0 and base * 2^(attempt-1), capped), raised to the platform's
 * Retry-After when it asked for longer: retrying sooner would only be refused again.
 */
export function jitterBackoff({
  backoffBaseMs,
  backoffMaxMs,
  random = Math.random,
}: BackoffSettings): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attemptsMade - 1));
    const jittered = Math.floor(random() * ceiling);
    return Math.max(jittered, retryAfterOf(error) ?? 0);
  };
}

/** How long the platform asked to be left alone, when the error says. */
export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof PlatformError) return error.retryAfterMs;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof PlatformError ? cause.retryAfterMs : undefined;
}

/** Where a failure happened, for the reason a failed job shows. */
export interface FailureContext {
  target: string;
  diamondId: string;
}

/**
 * The error a job should fail with: an `UnrecoverableError` naming the adapter, stone and field for a
 * final failure, so BullMQ fails the job at once; the original error for one worth retrying.
 */
export function jobFailure(error: unknown, { target, diamondId }: FailureContext): Error {
  if (error instanceof PlatformError) {
    if (error.retryable) return error;
    return unrecoverable(`${error.message}${error.stone ? '' : ` [stone ${diamondId}]`}`, error);
  }
  if (error instanceof MappingError) {
    return unrecoverable(
      `[${target}] stone ${diamondId} cannot be written: field ${error.pointer || '/'} ${error.message}`,
      error,
    );
  }
  if (
    error instanceof IdentityConflictError ||
    error instanceof IdentifierConflictError ||
    error instanceof StoreInputError ||
    error instanceof CorruptEntryError ||
    error instanceof UnknownDiamondError ||
    error instanceof UnrecoverableError
  ) {
    return unrecoverable(`[${target}] stone ${diamondId}: ${error.message}`, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function unrecoverable(message: string, cause: unknown): UnrecoverableError {
  const error = new UnrecoverableError(message);
  error.cause = cause;
  return error;
}

/**
 * A retryable failure of a job that has been retrying since `firstAttemptAt` for `maxAgeMs` or longer, as
 * the final failure that says so; null while the job is young enough to retry.
 */
export function outlived(
  failure: Error,
  { firstAttemptAt, maxAgeMs, now = Date.now() }: { firstAttemptAt: number; maxAgeMs: number; now?: number },
): UnrecoverableError | null {
  if (failure instanceof UnrecoverableError || now - firstAttemptAt < maxAgeMs) return null;
  return unrecoverable(
    `gave up after retrying for ${formatAge(now - firstAttemptAt)} (TRACEBRIDGE_RETRY_MAX_AGE ${formatAge(maxAgeMs)}): ${failure.message}`,
    failure,
  );
}

function formatAge(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 1_000).toFixed(1)} s`;
}
