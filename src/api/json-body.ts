import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { readStrictJson, StrictJsonError } from '../mapping/strict-json.js';
import { ApiProblem } from './problem.js';

export { textProblem } from '../mapping/strict-json.js';

/**
 * The API's own JSON body reader. It keeps the raw bytes (webhook signatures are computed over them),
 * refuses anything that is not a JSON object or array, and refuses, before any handler sees the body,
 * what would be dangerous further in: prototype keys, absurd nesting, malformed Unicode, control
 * characters and invisible direction overrides. Text is otherwise taken as the trade writes it ("Lot 7 --
 * re-cut", "<0.5 ct melee", "4C's = colour, clarity, cut, carat"): it is data, stored exactly, and made
 * safe where it is shown instead (text nodes on the lookup page, escaped HTML in reports, formula-guarded
 * CSV cells).
 */

/** Options for {@link jsonBody}. */
export interface JsonBodyOptions {
  /** Largest body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  limitBytes?: number;
  /** Deepest nesting of objects and arrays accepted. Default 32: the canonical record needs 5. */
  maxDepth?: number;
}

/** A request whose body was read by {@link jsonBody}. */
export interface RequestWithRawBody extends Request {
  /** The body exactly as received; empty when there was none. */
  rawBody?: Buffer;
}

/** Reads a JSON body (any `application/json` or `+json` type) into `req.body`; see the module comment. */
export function jsonBody(options: JsonBodyOptions = {}): RequestHandler[] {
  const limitBytes = options.limitBytes ?? 1024 * 1024;
  const maxDepth = options.maxDepth ?? 32;
  const raw = express.raw({ type: () => true, limit: limitBytes });
  const parse = (req: RequestWithRawBody, _res: Response, next: NextFunction): void => {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = bytes;
    req.body = undefined;
    if (bytes.length === 0) return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new ApiProblem(
        'unsupported-media-type',
        `Content-Type ${JSON.stringify(req.get('content-type') ?? '')} is not JSON; send application/json`,
      );
    }
    req.body = parseStrictJson(bytes, maxDepth);
    next();
  };
  return [raw, parse];
}

/** Parses `bytes` as a JSON object or array and applies the checks of {@link jsonBody}; throws a 400 problem. */
export function parseStrictJson(bytes: Buffer, maxDepth = 32): unknown {
  try {
    return readStrictJson(bytes, maxDepth);
  } catch (error) {
    if (error instanceof StrictJsonError)
      throw new ApiProblem('invalid-request', error.detail, error.problems);
    throw error;
  }
}
