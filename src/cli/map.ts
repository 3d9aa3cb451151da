/**
 * `tracebridge map --from A --to B [FILE|-]`: translates one record between `canonical` and any adapter's
 * native shape, going through the canonical record when neither side is canonical. A list of canonical
 * records translates record by record into a list, its loss pointers prefixed with the record's index. The translation goes to
 * stdout as JSON; the loss report (what was dropped, rounded, guessed or found in conflict) goes to stderr,
 * one entry a line, so a pipeline keeps the record and a person still sees what it cost.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { loadAdapters } from '../adapters/registry.js';
import { MappingError } from '../mapping/errors.js';
import type { LossEntry } from '../mapping/loss.js';
import { formatIssue, validateDiamond } from '../mapping/validate.js';
import type { DiamondRecord } from '../types/diamond.js';
import { exitCode, UsageError, type CliIO, type Command } from './io.js';

const canonical = 'canonical';

/** Translates FILE (or stdin); 0 when translated, 1 when the input cannot be translated, 2 on bad usage. */
export const map: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.from || !values.to) throw new UsageError('--from and --to are both required');
  if (positionals.length > 1) throw new UsageError(`expected one FILE or -, got ${positionals.length}`);
  const config = loadConfig();
  const adapters = await loadAdapters({ enabled: config.adapters, modules: config.adapterModules });
  const from = side(values.from, adapters);
  const to = side(values.to, adapters);

  const file = positionals[0] ?? '-';
  let input: unknown;
  try {
    const body = file === '-' ? await text(io.stdin) : await readFile(file, 'utf8');
    input = JSON.parse(body);
  } catch (error) {
    if (error instanceof SyntaxError)
      return fail(io, `${file === '-' ? 'stdin' : file} is not JSON: ${error.message}`);
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }

  try {
    // A list of canonical records, or a response holding several records (GIA's aliased reports), gives
    // one output each, as an array, and each loss entry and refusal names its record's index.
    const list = from === canonical && Array.isArray(input);
    const natives = from === canonical ? (list ? (input as unknown[]) : [input]) : nativesOf(from, input);
    const several = list || natives.length !== 1;
    const outputs = natives.map((native, index) => {
      const at = several ? `/${index}` : '';
      try {
        const loss: LossEntry[] = [];
        const record =
          from === canonical ? canonicalInput(native, at) : translate(loss, from.toCanonical(native));
        const output: unknown =
          to === canonical ? record : translate<unknown>(loss, to.fromCanonical(record));
        return { output, loss };
      } catch (error) {
        if (several && error instanceof MappingError)
          throw new InvalidCanonical(`record ${index}: ${error.message}`, { cause: error });
        throw error;
      }
    });
    io.stdout.write(
      `${JSON.stringify(several ? outputs.map((o) => o.output) : outputs[0]!.output, null, 2)}\n`,
    );
    outputs.forEach(({ loss }, index) => {
      for (const entry of loss) io.stderr.write(`${formatLoss(entry, several ? `/${index}` : '')}\n`);
    });
    return exitCode.ok;
  } catch (error) {
    if (error instanceof MappingError || error instanceof InvalidCanonical) return fail(io, error.message);
    throw error;
  }
};

/** Input that cannot be translated, in a message of its own: an invalid canonical record, or one record of several. */
class InvalidCanonical extends Error {}

/** The native records in what was handed over: one, or several when the platform's answer holds several. */
function nativesOf(adapter: AnyAdapter, input: unknown): unknown[] {
  if (adapter.readNatives) return adapter.readNatives(input);
  return [adapter.readNative ? adapter.readNative(input) : input];
}

function side(name: string, adapters: Map<string, AnyAdapter>): AnyAdapter | typeof canonical {
  if (name === canonical) return canonical;
  const adapter = adapters.get(name);
  if (!adapter)
    throw new UsageError(`unknown format '${name}'; known: ${[canonical, ...adapters.keys()].join(', ')}`);
  return adapter;
}

function canonicalInput(input: unknown, at: string): DiamondRecord {
  const result = validateDiamond(input);
  if (!result.valid)
    throw new InvalidCanonical(
      `${at ? `record ${at.slice(1)} is ` : ''}not a valid canonical record:\n${result.errors.map(formatIssue).join('\n')}`,
    );
  return result.record;
}

function translate<T>(loss: LossEntry[], translation: { value: T; loss: LossEntry[] }): T {
  loss.push(...translation.loss);
  return translation.value;
}

function formatLoss(entry: LossEntry, record: string): string {
  const change =
    'to' in entry
      ? 'from' in entry
        ? ` (${JSON.stringify(entry.from)} -> ${JSON.stringify(entry.to)})`
        : ` (as ${JSON.stringify(entry.to)})`
      : '';
  return `${entry.kind} ${record}${entry.pointer}: ${entry.reason}${change}`;
}

function fail(io: CliIO, message: string): number {
  io.stderr.write(`tracebridge map: ${message}\n`);
  return exitCode.invalid;
}
