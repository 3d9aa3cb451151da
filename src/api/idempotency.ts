import { createHash, randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { canonicalJson } from '../mapping/content-hash.js';
import { runScript, type RedisClient, type StoreScript } from '../store/scripts.js';
import type { Principal } from './auth.js';
import type { RequestWithRawBody } from './json-body.js';
import { ApiProblem } from './problem.js';

/**
 * `Idempotency-Key` on the routes that create something. A client that loses an answer and sends the same
 * request again with the same key gets the first answer back (status, body and the headers that matter)
 * instead of a second stone or a second run. The key is remembered per caller (one API key cannot see or
 * collide with another's), with a fingerprint of the request (method, path and the body as canonical
 * JSON, so the order of its members does not matter), in Redis under the store's prefix:
 *
 * - the first request claims the key for a short in-flight lease; a repeat meanwhile answers 409 with
 *   Retry-After rather than doing the work twice;
 * - its answer is stored before it is sent, and kept for 24 hours; answers of 5xx are not kept (the work
 *   may not have happened), so the client's retry runs again;
 * - the same key with another request answers 422 naming the key.
 *
 * A process that dies mid-request leaves only the lease, which expires by itself.
 */

/** The request header. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set on an answer that is a stored first answer. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a first answer is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** How long a request may hold its key before another may take it over (a process that died mid-way). */
export const IN_FLIGHT_MS = 2 * 60_000;

// Printable ASCII without spaces, as the draft standard and the main payment APIs accept: a UUID, a ULID,
// an order reference.
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
// Headers of an answer that belong to it (where the created thing lives, what a translation lost).
const KEPT_HEADERS = ['content-type', 'location', 'tracebridge-loss'] as const;

/** The request a key was first used for; the fingerprint covers all three. */
export interface KeyedRequest {
  method: string;
  path: string;
  /** The parsed JSON body, fingerprinted as canonical JSON. */
  body?: unknown;
  /** The raw bytes, fingerprinted when the body is not JSON. */
  rawBody?: Buffer;
}

/** A first answer as stored. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body, base64. */
  body: string;
}

/** What claiming a key found. */
export type ClaimOutcome =
  | { status: 'claimed'; token: string }
  | { status: 'in-flight' }
  | { status: 'other-request' }
  | { status: 'answered'; answer: StoredAnswer };

/** Options of {@link claimIdempotencyKey}. */
export interface ClaimOptions {
  /** The store's key prefix. */
  prefix: string;
  /** The key's name after the prefix, from {@link idempotencyKeyOf}. */
  key: string;
  request: KeyedRequest;
  /** How long the claim holds before another request may take the key over. */
  inFlightMs: number;
}

// KEYS[1] the key's hash. ARGV: fingerprint, token, in-flight ms.
// Replies {'claimed'}, {'in-flight'}, {'other-request'} or {'answered', answer JSON}.
const claimSource = `
local held = redis.call('HMGET', KEYS[1], 'fingerprint', 'answer')
if not held[1] then
  redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'token', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return { 'claimed' }
end
if held[1] ~= ARGV[1] then return { 'other-request' } end
if held[2] then return { 'answered', held[2] } end
return { 'in-flight' }
`;
// KEYS[1] the key's hash. ARGV: token, answer JSON ('' to let the key go), ttl ms.
// Only the claim's holder settles it: a lease that expired and was taken over belongs to the new holder.
const settleSource = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) return 1 end
redis.call('HSET', KEYS[1], 'answer', ARGV[2])
redis.call('HDEL', KEYS[1], 'token')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const script = (source: string): StoreScript => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});
const claimScript = script(claimSource);
const settleScript = script(settleSource);

/** The Redis key name (after the prefix) of `key` presented by `principal`: hashed, so any key is safe. */
export function idempotencyKeyOf(principal: Pick<Principal, 'name' | 'org'>, key: string): string {
  const scope = `${principal.org ?? ''}\u0000${principal.name}\u0000${key}`;
  return `idempotency:${createHash('sha256').update(scope).digest('hex').slice(0, 40)}`;
}

/** Claims `key` for a request, or says who holds it and what it answered. */
export async function claimIdempotencyKey(redis: RedisClient, options: ClaimOptions): Promise<ClaimOutcome> {
  const token = randomUUID();
  const reply = (await runScript(
    redis,
    claimScript,
    [`${options.prefix}${options.key}`],
    [fingerprint(options.request), token, options.inFlightMs],
  )) as [string, string?];
  switch (reply[0]) {
    case 'claimed':
      return { status: 'claimed', token };
    case 'answered':
      return { status: 'answered', answer: JSON.parse(reply[1] ?? '{}') as StoredAnswer };
    case 'other-request':
      return { status: 'other-request' };
    default:
      return { status: 'in-flight' };
  }
}

/** Stores the first answer under a claimed key, or lets the key go when `answer` is null. */
export async function settleIdempotencyKey(
  redis: RedisClient,
  options: { prefix: string; key: string; token: string; answer: StoredAnswer | null; ttlMs: number },
): Promise<void> {
  await runScript(
    redis,
    settleScript,
    [`${options.prefix}${options.key}`],
    [options.token, options.answer === null ? '' : JSON.stringify(options.answer), options.ttlMs],
  );
}

function fingerprint(request: KeyedRequest): string {
  const hash = createHash('sha256').update(`${request.method.toUpperCase()} ${request.path}\n`);
  if (request.body !== undefined) hash.update(`json:${canonicalJson(request.body)}`);
  else hash.update('raw:').update(request.rawBody ?? Buffer.alloc(0));
  return hash.digest('hex');
}

/** Options of {@link idempotency}. */
export interface IdempotencyOptions {
  redis: RedisClient;
  /** The store's key prefix. */
  prefix: string;
  logger: Logger;
  /** How long first answers are kept. Default 24 h. */
  ttlMs?: number;
  /** How long a request holds its key. Default 2 minutes. */
  inFlightMs?: number;
}

/**
 * The middleware a creating route opts into (`idempotent: true` in its definition). It runs after
 * authentication and the body reader; without the header the request passes through untouched.
 */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const inFlightMs = options.inFlightMs ?? IN_FLIGHT_MS;
  return async (req: RequestWithRawBody, res, next) => {
    const presented = req.get(IDEMPOTENCY_HEADER);
    if (presented === undefined) return next();
    if (!KEY_PATTERN.test(presented)) {
      throw new ApiProblem(
        'invalid-request',
        `the ${IDEMPOTENCY_HEADER} header must be 1 to 255 printable ASCII characters without spaces`,
        [
          {
            pointer: `#/header/${IDEMPOTENCY_HEADER}`,
            message: 'must be 1 to 255 printable ASCII characters',
          },
        ],
      );
    }
    const principal = res.locals.principal as Principal | null;
    const key = idempotencyKeyOf(principal ?? { name: `ip:${req.socket.remoteAddress ?? '?'}` }, presented);
    const request: KeyedRequest = { method: req.method, path: req.path };
    if (req.body !== undefined) request.body = req.body;
    else if (req.rawBody !== undefined) request.rawBody = req.rawBody;
    const claim = await claimIdempotencyKey(options.redis, {
      prefix: options.prefix,
      key,
      request,
      inFlightMs,
    });
    const named = `${IDEMPOTENCY_HEADER} ${JSON.stringify(presented)}`;
    if (claim.status === 'other-request') {
      throw new ApiProblem(
        'idempotency-key-reused',
        `${named} was first used for another request (another body or route); send a new key for a new request`,
        [{ pointer: `#/header/${IDEMPOTENCY_HEADER}`, message: 'already used for another request' }],
      );
    }
    if (claim.status === 'in-flight') {
      throw new ApiProblem(
        'idempotency-key-in-flight',
        `a request with ${named} is still being processed; retry once it has answered`,
        undefined,
        { 'Retry-After': '1' },
      );
    }
    if (claim.status === 'answered') {
      replay(res, claim.answer);
      return;
    }
    keepAnswer(res, (answer) =>
      settleIdempotencyKey(options.redis, {
        prefix: options.prefix,
        key,
        token: claim.token,
        answer,
        ttlMs,
      }).catch((error: unknown) => {
        // The answer still goes out; the key stays claimed until its lease ends, then a retry works again.
        options.logger.warn({ err: error, path: req.path }, 'could not store the idempotent answer');
      }),
    );
    next();
  };
}

function replay(res: Response, answer: StoredAnswer): void {
  res
    .status(answer.status)
    .set(answer.headers)
    .set(REPLAYED_HEADER, 'true')
    .send(Buffer.from(answer.body, 'base64'));
}

/**
 * Hooks the response so its answer is settled (stored, or the key let go) before the first byte leaves:
 * a client that retries the moment it hears back finds the answer, never its own lease.
 */
function keepAnswer(res: Response, settle: (answer: StoredAnswer | null) => Promise<void>): void {
  const send = res.send.bind(res);
  let settled = false;
  res.send = (body?: unknown) => {
    // An object goes back through res.json, which calls send again with its text: settle on that.
    const text = typeof body === 'string' || Buffer.isBuffer(body);
    if (settled || (!text && body !== undefined && body !== null)) return send(body);
    settled = true;
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : undefined;
    const answer =
      res.statusCode < 500 && bytes !== undefined
        ? { status: res.statusCode, headers: keptHeaders(res), body: bytes.toString('base64') }
        : null;
    void settle(answer).finally(() => send(body));
    return res;
  };
}

function keptHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = res.get(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
