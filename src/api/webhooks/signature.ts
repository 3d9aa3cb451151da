import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiProblem } from '../problem.js';

/**
 * Webhook signatures: `X-Tracebridge-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the
 * adapter's shared secret, and `X-Tracebridge-Timestamp: <epoch seconds>`. A delivery older (or further in
 * the future) than the replay window is refused, and so is a second delivery of the same signature within
 * it: the signature is remembered in Redis for as long as its timestamp would still be accepted.
 */

/** The signature header. */
export const SIGNATURE_HEADER = 'x-tracebridge-signature';
/** The timestamp header. */
export const TIMESTAMP_HEADER = 'x-tracebridge-timestamp';
/** How far a delivery's timestamp may be from the bridge's clock. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/** Signs a webhook body as a platform would; what the tests and a platform-side sender use. */
export function signWebhook(secret: string, timestampSec: number, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.`).update(rawBody).digest('hex')}`;
}

/** What {@link verifyWebhook} needs. */
export interface VerifyOptions {
  adapter: string;
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  now: number;
}

/** Throws a 401 problem unless the delivery is signed and fresh. */
export function verifyWebhook(options: VerifyOptions): void {
  const { adapter, secret, signature, timestamp, rawBody, now } = options;
  if (signature === undefined || timestamp === undefined) {
    throw new ApiProblem(
      'unauthenticated',
      `a webhook needs the ${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} headers`,
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new ApiProblem(
      'unauthenticated',
      `${TIMESTAMP_HEADER} ${JSON.stringify(timestamp)} must be epoch seconds`,
    );
  }
  const sentAt = Number(timestamp) * 1000;
  if (Math.abs(now - sentAt) > REPLAY_WINDOW_MS) {
    throw new ApiProblem(
      'unauthenticated',
      `${TIMESTAMP_HEADER} ${timestamp} is more than ${REPLAY_WINDOW_MS / 60_000} minutes from the bridge's clock; deliveries must be fresh`,
    );
  }
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiProblem(
      'unauthenticated',
      `the ${SIGNATURE_HEADER} of this ${adapter} webhook does not match its body`,
    );
  }
}
