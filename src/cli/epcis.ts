/**
 * `tracebridge epcis hash [--prehash] [FILE|-]`: the CBV 2.0 event hash of every event in an EPCIS 2.0
 * JSON-LD document (`EPCISDocument` or `EPCISQueryDocument`), one `ni:///sha-256;<hex>?ver=CBV2.0` line per
 * event in document order, computed as GS1's reference generator computes it. `--prehash` prints the
 * pre-hash strings instead, to compare with another implementation's.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { documentEventHashes, NotAnEpcisDocument } from '../adapters/epcis/hash-document.js';
import { exitCode, UsageError, type CliIO, type Command } from './io.js';

const subcommands: Record<string, Command> = {
  hash: async (args, io) => hash(args, io),
};

/** Dispatches `tracebridge epcis <subcommand>`. */
export const epcis: Command = async (args, io) => {
  const [name, ...rest] = args;
  const subcommand = name === undefined ? undefined : subcommands[name];
  if (!subcommand)
    throw new UsageError(
      name === undefined
        ? `name a subcommand: ${Object.keys(subcommands).join(', ')}`
        : `unknown subcommand '${name}'; known: ${Object.keys(subcommands).join(', ')}`,
    );
  return subcommand(rest, io);
};

/** 0 when every event was hashed, 1 when the input is not an EPCIS document, 2 on bad usage or no input. */
async function hash(args: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parseHashArgs>;
  try {
    parsed = parseHashArgs(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`expected one FILE or -, got ${positionals.length}`);
  const file = positionals[0] ?? '-';
  const name = file === '-' ? 'stdin' : file;
  let body: string;
  try {
    body = file === '-' ? await text(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${name}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const entries = documentEventHashes(JSON.parse(body));
    const lines = entries.map((entry) => (values.prehash ? entry.preHash : entry.hash));
    if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
    return exitCode.ok;
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof NotAnEpcisDocument) {
      const why = error instanceof SyntaxError ? `it is not JSON (${error.message})` : error.message;
      io.stderr.write(`tracebridge epcis hash: ${name} is not an EPCIS 2.0 JSON-LD document: ${why}\n`);
      return exitCode.invalid;
    }
    throw error;
  }
}

function parseHashArgs(args: string[]) {
  return parseArgs({ args, options: { prehash: { type: 'boolean' } }, allowPositionals: true });
}
