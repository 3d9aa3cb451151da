/**
 * Every failure a platform call can have, classified once, where it happens, so the queue only has to ask
 * one question: try again later, or stop and tell someone why.
 */

/** `retryable`: timeouts, 5xx, 429 and lost connections. `unrecoverable`: validation, 4xx, permissions. */
export type FailureClass = 'retryable' | 'unrecoverable';

/** What is known about a failed platform call. */
export interface PlatformErrorDetails {
  /** The adapter that made the call (`gia`, `tracr`). */
  adapter: string;
  failure: FailureClass;
  /** The bridge ID or native reference of the stone concerned, when there is one. */
  stone?: string;
  /** The canonical field path (`polished.color`) or native field the platform complained about. */
  field?: string;
  /** HTTP status, when the platform answered. */
  status?: number;
  /** How long the platform asked us to wait (429 Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /**
   * The request may have reached the platform and been applied even though no answer came back (a timeout
   * after sending, a dropped connection). The next attempt must look the stone up before writing again.
   */
  ambiguous?: boolean;
  cause?: unknown;
}

/** A platform call that failed; the message names the adapter, the stone and the field where known. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly adapter: string;
  readonly failure: FailureClass;
  readonly stone: string | undefined;
  readonly field: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly ambiguous: boolean;

  constructor(message: string, details: PlatformErrorDetails) {
    const where = [details.stone && `stone ${details.stone}`, details.field && `field ${details.field}`]
      .filter(Boolean)
      .join(', ');
    super(`[${details.adapter}] ${message}${where ? ` (${where})` : ''}`, { cause: details.cause });
    this.adapter = details.adapter;
    this.failure = details.failure;
    this.stone = details.stone;
    this.field = details.field;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.ambiguous = details.ambiguous ?? false;
  }

  get retryable(): boolean {
    return this.failure === 'retryable';
  }
}

/** Statuses worth trying again, after the OpenTelemetry exporters' rule; every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 429 || status === 502 || status === 503 || status === 504 || status >= 500
  );
}

/** Parses a Retry-After header (delay-seconds or an HTTP date) to milliseconds. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * An act the platform's rules let none of the bridge's identities take: no signer is configured for the
 * organisation that performs it, or its participant may not take that act. Waiting will not change that,
 * so it is not retried; it is not a failure of the sync either: the bridge records it as a state of its own
 * ("not permitted on this platform", with this reason) and the job completes.
 */
export class NotPermittedError extends PlatformError {
  /** The platform's reference of the stone, when an earlier act of the same write created or found it. */
  readonly ref: string | undefined;

  constructor(
    /** Why, in the platform's terms: which act, and who may not take it. */
    readonly reason: string,
    details: Omit<PlatformErrorDetails, 'failure'> & { ref?: string | undefined },
  ) {
    const { ref, ...rest } = details;
    super(`not permitted on this platform: ${reason}`, { ...rest, failure: 'unrecoverable' });
    this.ref = ref;
  }
}
