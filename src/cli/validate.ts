/**
 * `tracebridge validate [FILE|-]`: checks canonical records against the schema.
 *
 * Input is one JSON object, a JSON array of objects, or NDJSON. The first non-blank character decides:
 * `[` is an array, read element by element; anything else is read line by line, so NDJSON streams and a
 * huge file never sits in memory whole. In line mode a record that does not close on its own line may go on
 * over the next lines (a pretty-printed object) unless the next line is itself a whole object, in which
 * case the first was a broken NDJSON line: it is reported and reading goes on.
 *
 * Problems go to stdout, one per line (`record 3 (line 4): /polished/clarity: must be one of ...`), then
 * `N records, M invalid`; stdout is the report, stderr is kept for usage and read failures. Record numbers
 * count from 0, like array indexes; line numbers from 1, like editors.
 */
import { open } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { formatIssue, validateDiamond } from '../mapping/validate.js';
import { exitCode, UsageError, type Command } from './io.js';

/** One record read from the input: its value, or why it could not be read as JSON. */
type RecordRead = { line: number } & ({ value: unknown } | { error: string });

/** A record spanning lines beyond this is refused: it is a broken line, not a pretty-printed record. */
const maxRecordChars = 64 * 1024 * 1024;

/** Validates every record in FILE (or stdin) and answers 0 when all are valid, 1 when some are not. */
export const validate: Command = async (args, io) => {
  const file = parseArgs(args);
  if (file === undefined) {
    io.stdout.write('usage: tracebridge validate [FILE|-]\n');
    return exitCode.ok;
  }
  const name = file === '-' ? 'stdin' : file;
  let input: Readable;
  try {
    input = file === '-' ? io.stdin : (await open(file)).createReadStream();
  } catch (error) {
    throw new Error(`cannot read ${name}: ${reason(error)}`, { cause: error });
  }
  let records = 0;
  let invalid = 0;
  try {
    for await (const read of readRecords(input)) {
      const where = `record ${records} (line ${read.line})`;
      records++;
      const problems = 'error' in read ? [`not valid JSON: ${read.error}`] : validationProblems(read.value);
      if (problems.length > 0) invalid++;
      for (const problem of problems) await writeLine(io.stdout, `${where}: ${problem}`);
    }
  } catch (error) {
    throw new Error(`cannot read ${name}: ${reason(error)}`, { cause: error });
  }
  await writeLine(io.stdout, `${records} record${records === 1 ? '' : 's'}, ${invalid} invalid`);
  return invalid > 0 ? exitCode.invalid : exitCode.ok;
};

/** The one input the command reads: a path, `-` for stdin, or undefined when help was asked for. */
function parseArgs(args: string[]): string | undefined {
  const files: string[] = [];
  let options = true;
  for (const arg of args) {
    if (options && (arg === '--help' || arg === '-h')) return undefined;
    if (options && arg === '--') options = false;
    else if (options && arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length > 1)
    throw new UsageError(`expected one FILE or -, got ${files.length}: ${files.join(' ')}`);
  return files[0] ?? '-';
}

function validationProblems(value: unknown): string[] {
  const result = validateDiamond(value);
  return result.valid ? [] : result.errors.map((issue) => formatIssue(issue));
}

/** Reads the input's records in order, choosing array or line mode from the first non-blank character. */
export async function* readRecords(input: Readable): AsyncGenerator<RecordRead> {
  input.setEncoding('utf8');
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<string>;
  let head = '';
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    head += next.value;
    if (/[^\s\uFEFF]/.test(head)) break;
  }
  head = head.replace(/^\uFEFF/, '');
  async function* text(): AsyncGenerator<string> {
    if (head !== '') yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  yield* head.trimStart().startsWith('[') ? readArray(text()) : readLines(text());
}

/** Line mode: NDJSON, or records that span lines (a pretty-printed object). */
async function* readLines(text: AsyncIterable<string>): AsyncGenerator<RecordRead> {
  const lines = createInterface({ input: Readable.from(text), crlfDelay: Infinity });
  let pending: { line: number; text: string[]; chars: number; scan: Scan; confirmed: boolean } | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    if (pending && !pending.confirmed && /^\s*[[{]/.test(line) && !/[:,[]\s*$/.test(pending.text[0] ?? '')) {
      // A whole object on the next line means NDJSON: the pending line was a broken record on its own.
      if (closesAlone(line)) {
        yield parse(pending.line, pending.text[0] ?? '');
        pending = undefined;
      }
    }
    if (pending) {
      pending.confirmed = true;
      pending.text.push(line);
      pending.chars += line.length;
      scanLine(line, pending.scan);
      if (pending.scan.depth <= 0 || pending.scan.inString || pending.chars > maxRecordChars) {
        yield pending.chars > maxRecordChars
          ? {
              line: pending.line,
              error: `the record starting here is not closed within ${maxRecordChars} characters`,
            }
          : parse(pending.line, pending.text.join('\n'));
        pending = undefined;
      }
      continue;
    }
    const scan = scanLine(line, { depth: 0, inString: false, escaped: false });
    if (scan.depth <= 0 || scan.inString) yield parse(lineNumber, line);
    else pending = { line: lineNumber, text: [line], chars: line.length, scan, confirmed: false };
  }
  if (pending) yield { line: pending.line, error: 'the input ends inside the record starting here' };
}

/** Array mode: each element of one top-level array is a record, split out without parsing the whole. */
async function* readArray(text: AsyncIterable<string>): AsyncGenerator<RecordRead> {
  const scan: Scan = { depth: 0, inString: false, escaped: false };
  let line = 1;
  let element: { line: number; text: string } | undefined;
  let closed = false;
  let expectElement = false;
  for await (const chunk of text) {
    let start = element ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const char = chunk[i] ?? '';
      if (char === '\n') line++;
      const atTop = scan.depth === 1 && !scan.inString;
      if (closed) {
        if (!/\s/.test(char)) {
          yield { line, error: `unexpected ${JSON.stringify(char)} after the array` };
          return;
        }
      } else if (scan.depth === 0) {
        if (char === '[') scan.depth = 1;
      } else if (atTop && (char === ',' || char === ']')) {
        const text = element ? element.text + chunk.slice(start, i) : '';
        if (element) yield parse(element.line, text);
        else if (char === ',' || expectElement)
          yield { line, error: `missing array element before '${char}'` };
        element = undefined;
        start = -1;
        expectElement = char === ',';
        closed = char === ']';
        if (closed) scan.depth = 0;
      } else {
        if (!element && !/\s/.test(char)) {
          element = { line, text: '' };
          start = i;
        }
        if (element) stepScan(char, scan);
      }
    }
    if (element && start >= 0) element.text += chunk.slice(start);
  }
  if (!closed) yield { line, error: "the input ends inside the array: ']' is missing" };
}

/** Where a scan of JSON text stands: nesting depth and whether it is inside a string. */
interface Scan {
  depth: number;
  inString: boolean;
  escaped: boolean;
}

function scanLine(line: string, scan: Scan): Scan {
  for (const char of line) stepScan(char, scan);
  return scan;
}

function stepScan(char: string, scan: Scan): void {
  if (scan.inString) {
    if (scan.escaped) scan.escaped = false;
    else if (char === '\\') scan.escaped = true;
    else if (char === '"') scan.inString = false;
  } else if (char === '"') scan.inString = true;
  else if (char === '{' || char === '[') scan.depth++;
  else if (char === '}' || char === ']') scan.depth--;
}

function closesAlone(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

function parse(line: number, text: string): RecordRead {
  try {
    return { line, value: JSON.parse(text) };
  } catch (error) {
    return { line, error: reason(error) };
  }
}

async function writeLine(out: Writable, text: string): Promise<void> {
  if (!out.write(`${text}\n`)) await new Promise((resolve) => out.once('drain', resolve));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
