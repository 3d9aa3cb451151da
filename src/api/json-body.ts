import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiProblem, type FieldProblem } from './problem.js';

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

// Keys that reach into an object's prototype when a body is merged into another object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Without the u flag a regular expression sees UTF-16 code units, so it can spot an unpaired half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Invisible characters that reorder or hide text (Trojan Source), and control characters.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiProblem('invalid-request', 'the request body is not valid UTF-8', [
      { pointer: '', message: 'not valid UTF-8' },
    ]);
  }
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') {
    throw new ApiProblem('invalid-request', 'the request body must be a JSON object or array', [
      { pointer: '', message: 'must be a JSON object or array' },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiProblem(
      'invalid-request',
      `the request body is not valid JSON: ${(error as Error).message}`,
      [{ pointer: '', message: 'not valid JSON' }],
    );
  }
  const problems = inspect(value, maxDepth);
  if (problems.length > 0) {
    throw new ApiProblem(
      'invalid-request',
      problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '),
      problems,
    );
  }
  return value;
}

/** The problem with `text` as a string anywhere in a body, or undefined when it is acceptable. */
export function textProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (malformed Unicode)';
  const invisible = INVISIBLE.exec(text)?.[0];
  if (invisible !== undefined) {
    const code = `U+${(invisible.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `contains ${code}, a control, zero-width or direction-override character`;
  }
  return undefined;
}

// Walks the parsed value without recursion, so a hostile depth cannot exhaust the stack.
function inspect(root: unknown, maxDepth: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Array<{ value: unknown; pointer: string; depth: number }> = [
    { value: root, pointer: '', depth: 0 },
  ];
  while (stack.length > 0 && problems.length < 20) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) problems.push({ pointer, message: problem });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      problems.push({ pointer, message: `nested deeper than ${maxDepth} levels` });
      break;
    }
    for (const [key, member] of Object.entries(value)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({ pointer: at, message: `the key ${JSON.stringify(key)} is not accepted anywhere` });
        continue;
      }
      const keyProblem = Array.isArray(value) ? undefined : textProblem(key);
      if (keyProblem) problems.push({ pointer: at, message: `key ${keyProblem}` });
      stack.push({ value: member, pointer: at, depth: depth + 1 });
    }
  }
  return problems.sort((a, b) => a.pointer.localeCompare(b.pointer));
}
