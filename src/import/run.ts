/**
 * Running an import: the spooled file is read a chunk at a time from the last durable offset, each record
 * becomes a row, rows are registered a batch at a time, and each batch's outcome is committed in one step
 * with the offset just past it. A killed run, started again, reads on from that offset; the batch it was in
 * the middle of is registered again, which changes nothing twice.
 */
import type { IngestContext } from '../sync/register.js';
import { SPOOL_CHUNK_BYTES, type ImportCounts, type ImportState } from '../store/index.js';
import { parseColumnMap, resolveHeader, type Column } from './columns.js';
import { CsvReader } from './csv.js';
import { ImportFileError } from './errors.js';
import { NdjsonReader } from './ndjson.js';
import { registerRows, type RowOutcome } from './register-rows.js';
import { readCsvRow, readNdjsonRow, type CandidateRow, type ReadRow, type RowError } from './rows.js';

/** Options for {@link executeImport}. */
export interface ExecuteImportOptions {
  /** Rows registered per batch (one save and one progress commit each). Default 200. */
  batchSize?: number;
  /** Called after every committed batch. */
  onProgress?: (state: { offset: number; bytes: number; rows: ImportCounts }) => void;
}

/** How many batches may be registering at once: a killed import reads at most these again. */
export const BATCHES_IN_FLIGHT = 3;

/** A read record with where it ends, waiting for its batch. */
interface Pending {
  read: ReadRow;
  end: number;
  nextLine: number;
}

/**
 * Runs (or resumes) the import `importId` to its end and marks it done; answers its final state. A file
 * that cannot be read at all (a record longer than the limit) marks it failed. Throws only when the bridge
 * itself fails (Redis), leaving the import to be resumed.
 */
export async function executeImport(
  context: IngestContext,
  importId: string,
  options: ExecuteImportOptions = {},
): Promise<ImportState> {
  const { imports } = context.store;
  const state = await imports.get(importId);
  if (!state) throw new Error(`[tracebridge] [import] no import ${importId} is stored`);
  if (state.status !== 'running') return state;
  const attempt = await imports.attempt(importId);
  const batchSize = options.batchSize ?? 200;
  const scope = { actor: state.actor, ...(state.org === undefined ? {} : { org: state.org }) };
  const columns = state.format === 'csv' ? csvColumns(state) : undefined;
  const width = state.header?.length ?? 0;
  const start = { offset: state.offset, line: state.line };
  const reader = state.format === 'csv' ? new CsvReader(start) : new NdjsonReader(start);
  const counts: ImportCounts = { ...state.rows };
  let batch: Pending[] = [];
  let keys = new Set<string>();
  // Batches are registered while the next ones are read and begin theirs, so the bridge's own work and
  // Redis's overlap; they still commit their progress one after another, in file order.
  const inFlight: { done: Promise<void>; keys: Set<string> }[] = [];
  let waitForInFlight = false; // a row of this batch names a stone of a batch in flight
  // Rows of the first batches after a restart may have been stored without their sync jobs being queued.
  let requeueBatches = attempt > 1 ? BATCHES_IN_FLIGHT : 0;
  let nextChunk = Math.floor(state.offset / SPOOL_CHUNK_BYTES);
  const firstChunk = nextChunk;
  let keptChunk = firstChunk; // the first chunk not yet dropped

  const commit = async (entries: Pending[], registered: RowOutcome[]): Promise<void> => {
    const outcomes = new Map<number, RowOutcome>(registered.map((outcome) => [outcome.line, outcome]));
    const delta: ImportCounts = { read: entries.length, registered: 0, unchanged: 0, refused: 0 };
    const errors: RowError[] = [];
    const refused: Buffer[] = [];
    for (const entry of entries) {
      const outcome: RowOutcome =
        'refused' in entry.read
          ? { ...entry.read.refused, outcome: 'refused' }
          : outcomes.get(entry.read.row.line)!;
      delta[outcome.outcome]++;
      if (outcome.outcome === 'refused') {
        errors.push(...outcome.errors);
        refused.push(outcome.raw);
      }
    }
    const last = entries.at(-1)!;
    const reached = Math.floor(last.end / SPOOL_CHUNK_BYTES);
    const passedChunks: number[] = [];
    for (; keptChunk < reached; keptChunk++) passedChunks.push(keptChunk);
    const committed = await imports.commit(importId, attempt, {
      offset: last.end,
      line: last.nextLine,
      counts: delta,
      errors,
      refused,
      passedChunks,
    });
    if (!committed) throw new ImportSuperseded(importId, attempt);
    for (const name of Object.keys(counts) as (keyof ImportCounts)[]) counts[name] += delta[name];
    options.onProgress?.({ offset: last.end, bytes: state.bytes, rows: { ...counts } });
  };

  // Starts registering the batch read so far, and waits until fewer than BATCHES_IN_FLIGHT are in flight.
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const entries = batch;
    const previous = inFlight.at(-1)?.done;
    if (waitForInFlight) await previous;
    const candidates = entries.flatMap((entry) => ('row' in entry.read ? [entry.read.row] : []));
    const registering = registerRows(context, candidates, scope, { requeueUnchanged: requeueBatches > 0 });
    requeueBatches = Math.max(0, requeueBatches - 1);
    const done = (async () => {
      const registered = await registering;
      await previous;
      await commit(entries, registered);
    })();
    // Awaited below or by a later flush; marked handled so a failure waits for that await.
    done.catch(() => undefined);
    inFlight.push({ done, keys });
    batch = [];
    keys = new Set();
    waitForInFlight = false;
    while (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift()!.done;
  };

  const take = async (read: ReadRow, end: number, nextLine: number): Promise<void> => {
    const rowKeys = 'row' in read ? stoneKeys(read.row) : [];
    // Two rows for one stone in a batch would race each other: the later one waits for the next batch.
    if (rowKeys.some((key) => keys.has(key))) await flush();
    if (inFlight.some((flying) => rowKeys.some((key) => flying.keys.has(key)))) waitForInFlight = true;
    for (const key of rowKeys) keys.add(key);
    batch.push({ read, end, nextLine });
    if (batch.length >= batchSize) await flush();
  };

  // Registers what is left and waits for every batch's commit.
  const drain = async (): Promise<void> => {
    await flush();
    await inFlight.at(-1)?.done;
  };

  try {
    for (;;) {
      const chunk = await imports.chunk(importId, nextChunk);
      const records = chunk
        ? reader.push(
            nextChunk === firstChunk ? chunk.subarray(state.offset - nextChunk * SPOOL_CHUNK_BYTES) : chunk,
          )
        : reader.end();
      for (const record of records) {
        if (reader instanceof CsvReader) {
          const csv = record as ReturnType<CsvReader['push']>[number];
          await take(readCsvRow(csv, columns!, width), csv.end, csv.nextLine);
        } else {
          const line = record as ReturnType<NdjsonReader['push']>[number];
          await take(readNdjsonRow(line), line.end, line.line + 1);
        }
      }
      if (!chunk) break;
      nextChunk++;
    }
    await drain();
  } catch (error) {
    if (!(error instanceof ImportFileError)) {
      // The batches in flight end before the attempt does, so no write of theirs outlives it.
      await inFlight.at(-1)?.done.catch(() => undefined);
      throw error;
    }
    await drain();
    await imports.finish(importId, 'failed', { error: error.message, attempt });
    return (await imports.get(importId))!;
  }
  if (!(await imports.finish(importId, 'done', { attempt }))) throw new ImportSuperseded(importId, attempt);
  return (await imports.get(importId))!;
}

/**
 * A later attempt took the import over (this one's worker lost its lock, and BullMQ handed the job to
 * another): this attempt stops without writing another row of progress.
 */
export class ImportSuperseded extends Error {
  override readonly name = 'ImportSuperseded';

  constructor(importId: string, attempt: number) {
    super(`[tracebridge] [import] attempt ${attempt} at import ${importId} was taken over by a later one`);
  }
}

function csvColumns(state: ImportState): Column[] {
  const map = state.columns === undefined ? {} : parseColumnMap(JSON.parse(state.columns));
  return resolveHeader(state.header ?? [], map);
}

// What may make two rows the same stone within a batch: any one of these shared.
function stoneKeys(row: CandidateRow): string[] {
  const identifiers = (row.fields.identifiers ?? {}) as Record<string, unknown>;
  const parts: [string, unknown][] = [
    ['id', row.fields.id],
    ['producerRef', identifiers.producerRef],
    ['roughControlNumber', identifiers.roughControlNumber],
  ];
  return parts.flatMap(([name, value]) => (typeof value === 'string' ? [`${name}:${value.trim()}`] : []));
}
