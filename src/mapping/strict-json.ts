/**
 * Strict JSON text, as the API and bulk import both read it: a JSON object or array only, and nothing of
 * what would be dangerous further in: prototype keys, absurd nesting, malformed Unicode, control
 * characters and invisible direction overrides. Text is otherwise taken as the trade writes it.
 */

/** One problem with the text: a JSON pointer into it, and what is wrong there. */
export interface JsonProblem {
  pointer: string;
  message: string;
}

/** JSON text refused: `detail` says why in a sentence, `problems` where. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';

  constructor(
    readonly detail: string,
    readonly problems: JsonProblem[],
  ) {
    super(detail);
  }
}

// Keys that reach into an object's prototype when a body is merged into another object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Without the u flag a regular expression sees UTF-16 code units, so it can spot an unpaired half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Invisible characters that reorder or hide text (Trojan Source), and control characters.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** Parses `bytes` as a JSON object or array and applies the checks described above; throws {@link StrictJsonError}. */
export function readStrictJson(bytes: Buffer, maxDepth = 32): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new StrictJsonError('the request body is not valid UTF-8', [
      { pointer: '', message: 'not valid UTF-8' },
    ]);
  }
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') {
    throw new StrictJsonError('the request body must be a JSON object or array', [
      { pointer: '', message: 'must be a JSON object or array' },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StrictJsonError(`the request body is not valid JSON: ${(error as Error).message}`, [
      { pointer: '', message: 'not valid JSON' },
    ]);
  }
  const problems = inspect(value, maxDepth);
  if (problems.length > 0) {
    throw new StrictJsonError(problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '), problems);
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
function inspect(root: unknown, maxDepth: number): JsonProblem[] {
  const problems: JsonProblem[] = [];
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
