/** How the Tracr adapter turns what it cannot do into classified failures. */
import { isRetryableStatus, PlatformError } from '../errors.js';
import { optional } from '../http.js';
import { mapOrRefuse as mapOrRefuseAs } from '../refuse.js';

const adapter = 'tracr';

/**
 * Runs a transform; a value it cannot understand will not improve by waiting, so it fails as unrecoverable
 * naming the field (`rough.caratWeight`, from the pointer `/rough/caratWeight`).
 */
export function mapOrRefuse<T>(transform: () => T, stone: string | undefined): T {
  return mapOrRefuseAs(adapter, transform, { stone });
}

/** One refused item of a batch, classified as the single route's answer would have been. */
export function batchItemError(status: number, body: unknown, what: string, stone?: string): PlatformError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof problem['code'] === 'string' ? problem['code'] : 'ERROR';
  const message = typeof problem['message'] === 'string' ? problem['message'] : JSON.stringify(body);
  return new PlatformError(`${what} refused with ${status} ${code}: ${message}`, {
    adapter,
    failure: isRetryableStatus(status) ? 'retryable' : 'unrecoverable',
    status,
    ...optional('field', typeof problem['field'] === 'string' ? problem['field'] : undefined),
    ...optional('stone', stone),
  });
}

/** A write that cannot go ahead, and never will as the record stands. */
export function refusal(message: string, field: string, stone?: string): PlatformError {
  return new PlatformError(message, {
    adapter,
    failure: 'unrecoverable',
    field,
    ...optional('stone', stone),
  });
}
