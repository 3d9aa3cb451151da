import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { ColumnMapError, parseColumnMap } from '../import/columns.js';
import { exitCode, UsageError, type CliIO, type Command } from './io.js';

/**
 * `tracebridge import [--columns MAP] [--format csv|ndjson] [FILE|-]`: sends a CSV or NDJSON file to a
 * running bridge (`TRACEBRIDGE_API_URL`, `TRACEBRIDGE_API_KEY`) as it reads it, follows the import with a
 * progress bar on a terminal (plain lines otherwise), prints every refused row's line, column and reason on
 * stderr and a summary on stdout. Exit 0 when every row is registered or unchanged, 1 when some were
 * refused, 2 when the file is unreadable, refused whole, or the command is misused.
 */
export const importCommand: Command = async (args, io) => {
  const options = parseArgs(args);
  const base = (process.env.TRACEBRIDGE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`).replace(
    /\/$/,
    '',
  );
  const key = process.env.TRACEBRIDGE_API_KEY;
  if (!key)
    throw new UsageError('set TRACEBRIDGE_API_KEY to an API key of the bridge at TRACEBRIDGE_API_URL');
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.columns !== undefined) headers['tracebridge-columns'] = readColumnMap(options.columns);
  const source = await openSource(options, io);
  headers['content-type'] = source.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  if (source.size !== undefined) headers['content-length'] = String(source.size);
  const name = options.file ?? 'standard input';
  let response: Response;
  try {
    // A streamed body needs `duplex: 'half'`, which the DOM RequestInit type does not know yet.
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers,
      body: Readable.toWeb(source.stream) as ReadableStream,
      duplex: 'half',
    };
    response = await fetch(`${base}/v1/imports`, init);
  } catch (error) {
    io.stderr.write(`tracebridge import: no bridge answers at ${base}: ${(error as Error).message}\n`);
    return exitCode.usage;
  }
  const started = (await response.json().catch(() => ({}))) as { id?: string; detail?: string };
  if (response.status !== 202 || typeof started.id !== 'string') {
    io.stderr.write(
      `tracebridge import: ${name} was refused (${response.status}): ${started.detail ?? response.statusText}\n`,
    );
    return exitCode.usage;
  }
  const id = started.id;
  const status = await follow(`${base}/v1/imports/${id}`, headers.authorization!, io.stderr);
  await printErrors(`${base}/v1/imports/${id}`, headers.authorization!, io.stderr);
  const { rows } = status;
  io.stdout.write(
    `import ${id} ${status.status}: ${rows.read} rows read, ${rows.registered} registered, ${rows.unchanged} unchanged, ${rows.refused} refused\n`,
  );
  if (rows.refused > 0)
    io.stdout.write(
      `refused rows to fix and import again: ${base}/v1/imports/${id}/refused.${source.format}\n`,
    );
  if (status.status === 'failed') {
    io.stderr.write(`tracebridge import: the import stopped: ${status.error ?? 'no reason given'}\n`);
    return exitCode.usage;
  }
  return rows.refused > 0 ? exitCode.invalid : exitCode.ok;
};

interface ImportOptions {
  file?: string;
  columns?: string;
  format?: 'csv' | 'ndjson';
}

interface ImportStatus {
  status: 'running' | 'done' | 'failed';
  rows: { read: number; registered: number; unchanged: number; refused: number };
  progress: { bytes: number; totalBytes: number };
  error?: string;
}

function parseArgs(args: string[]): ImportOptions {
  const options: ImportOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--columns') {
      const path = args[++i];
      if (path === undefined || path.startsWith('--'))
        throw new UsageError('--columns needs a column map file (JSON)');
      options.columns = path;
    } else if (arg === '--format') {
      const format = args[++i];
      if (format !== 'csv' && format !== 'ndjson')
        throw new UsageError(`--format must be csv or ndjson, got ${JSON.stringify(format ?? null)}`);
      options.format = format;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    else if (options.file !== undefined) throw new UsageError('give one file (or - for standard input)');
    else options.file = arg;
  }
  if (options.file === '-') delete options.file;
  return options;
}

function readColumnMap(path: string): string {
  let map: unknown;
  try {
    map = parseColumnMap(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    if (error instanceof ColumnMapError) throw new UsageError(`${path}: ${error.message}`);
    throw new UsageError(`cannot read the column map ${path}: ${(error as Error).message}`);
  }
  return Buffer.from(JSON.stringify(map)).toString('base64url');
}

// The file (or standard input) as a stream, its format from --format, its name, or its first byte.
async function openSource(
  options: ImportOptions,
  io: CliIO,
): Promise<{ stream: Readable; format: 'csv' | 'ndjson'; size?: number }> {
  if (options.file !== undefined) {
    let size: number;
    try {
      size = statSync(options.file).size;
    } catch (error) {
      throw new UsageError(`cannot read ${options.file}: ${(error as Error).message}`);
    }
    const byName = /\.(ndjson|jsonl)$/i.test(options.file)
      ? 'ndjson'
      : /\.csv$/i.test(options.file)
        ? 'csv'
        : undefined;
    const format = options.format ?? byName;
    if (format === undefined) throw new UsageError(`say --format csv or --format ndjson for ${options.file}`);
    return { stream: createReadStream(options.file), format, size };
  }
  if (options.format !== undefined) return { stream: io.stdin, format: options.format };
  // Standard input: a JSON object starts an NDJSON file; anything else is taken as CSV.
  const iterator = io.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  const format = head
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart()
    .startsWith('{')
    ? 'ndjson'
    : 'csv';
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield Buffer.from(next.value);
  }
  return { stream: Readable.from(rest()), format };
}

async function follow(url: string, authorization: string, out: Writable): Promise<ImportStatus> {
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  let lastTenth = -1;
  for (;;) {
    const status = await getJson<ImportStatus>(`${url}?limit=1`, authorization);
    const { bytes, totalBytes } = status.progress;
    const fraction = totalBytes === 0 ? 1 : Math.min(1, bytes / totalBytes);
    const percent = Math.floor(fraction * 100);
    const counts = `${status.rows.read} rows: ${status.rows.registered} registered, ${status.rows.unchanged} unchanged, ${status.rows.refused} refused`;
    if (tty) {
      const filled = Math.round(fraction * 30);
      out.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(30 - filled)}] ${String(percent).padStart(3)}% ${counts}`,
      );
    } else if (Math.floor(percent / 10) > lastTenth) {
      lastTenth = Math.floor(percent / 10);
      out.write(`import: ${percent}% (${counts})\n`);
    }
    if (status.status !== 'running') {
      if (tty) out.write('\n');
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function printErrors(url: string, authorization: string, out: Writable): Promise<void> {
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await getJson<{
      errors: { line: number; column?: string; value?: string; message: string }[];
    }>(`${url}?offset=${offset}&limit=${limit}`, authorization);
    for (const error of page.errors) {
      const where = [`line ${error.line}`];
      if (error.column !== undefined) where.push(`column ${JSON.stringify(error.column)}`);
      if (error.value !== undefined) where.push(`value ${JSON.stringify(error.value)}`);
      out.write(`${where.join(', ')}: ${error.message}\n`);
    }
    if (page.errors.length < limit) return;
  }
}

async function getJson<T>(url: string, authorization: string): Promise<T> {
  // A bridge restarting under a running import answers again shortly: keep asking for a while.
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { headers: { authorization } });
      if (response.ok) return (await response.json()) as T;
      if (response.status < 500 || attempt >= 20)
        throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    } catch (error) {
      if (attempt >= 20 || (error instanceof Error && error.message.includes(' answered '))) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
