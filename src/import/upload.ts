/**
 * Receiving an import's file: the body streams into the store's spool a fixed-size chunk at a time, so a
 * file of any size allowed passes through a bounded buffer. A CSV header is resolved against the column
 * map as soon as its line has arrived, so a file naming an unknown column is refused before the rest is
 * read. A body over the limit, a bad header or a broken connection leaves nothing behind.
 */
import type { Readable } from 'node:stream';
import { SPOOL_CHUNK_BYTES, type Store } from '../store/index.js';
import { ColumnMapError, parseColumnMap, resolveHeader, type ColumnMap } from './columns.js';
import { checkDelimiter, CsvReader, type CsvRecord } from './csv.js';
import { ImportFileError } from './errors.js';

/** What is uploaded and by whom. */
export interface UploadSpec {
  format: 'csv' | 'ndjson';
  /** CSV only: the column map (parsed JSON), or none for the built-in one. */
  columns?: unknown;
  org?: string;
  actor: string;
  /** The largest file accepted, in bytes. */
  maxBytes: number;
}

/** Why an upload was refused; nothing of it is stored. */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';

  constructor(
    readonly reason: 'too-large' | 'bad-header' | 'empty',
    message: string,
    /** The column at fault, for a header. */
    readonly column?: string,
  ) {
    super(message);
  }
}

/** Spools `body` as a new import and marks it running; answers its ID. Throws {@link UploadRefused}. */
export async function spoolUpload(store: Store, body: Readable, spec: UploadSpec): Promise<string> {
  const map: ColumnMap | undefined = spec.columns === undefined ? undefined : parseColumnMap(spec.columns);
  const id = store.imports.newId();
  const header = spec.format === 'csv' ? new CsvReader() : undefined;
  let headerRecord: CsvRecord | undefined;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let chunkIndex = 0;
  let total = 0;
  const spill = async (final: boolean): Promise<void> => {
    while (bufferedBytes >= SPOOL_CHUNK_BYTES || (final && bufferedBytes > 0)) {
      const joined = Buffer.concat(buffered);
      const size = Math.min(SPOOL_CHUNK_BYTES, joined.length);
      await store.imports.spoolChunk(id, chunkIndex++, joined.subarray(0, size));
      buffered = size < joined.length ? [joined.subarray(size)] : [];
      bufferedBytes = joined.length - size;
    }
  };
  try {
    for await (const piece of body) {
      const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string);
      total += bytes.length;
      if (total > spec.maxBytes) throw tooLarge(spec.maxBytes);
      if (header && !headerRecord) headerRecord = checkHeader(header.push(bytes), map);
      buffered.push(bytes);
      bufferedBytes += bytes.length;
      await spill(false);
    }
    if (header && !headerRecord) headerRecord = checkHeader(header.end(), map);
    if (total === 0 || (header && !headerRecord)) throw new UploadRefused('empty', 'the file is empty');
    await spill(true);
    await store.imports.start(
      id,
      {
        format: spec.format,
        actor: spec.actor,
        ...(spec.org === undefined ? {} : { org: spec.org }),
        ...(headerRecord
          ? {
              header: {
                names: headerRecord.fields,
                raw: headerRecord.raw,
                end: headerRecord.end,
                nextLine: headerRecord.nextLine,
              },
            }
          : {}),
        ...(map === undefined ? {} : { columns: JSON.stringify(map) }),
      },
      total,
    );
    return id;
  } catch (error) {
    await store.imports.discard(id);
    throw error;
  }
}

/** The largest upload allowed when `TRACEBRIDGE_IMPORT_MAX_BYTES` is not set: 1 GiB. */
export const DEFAULT_IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

function tooLarge(maxBytes: number): UploadRefused {
  return new UploadRefused(
    'too-large',
    `the file is larger than the ${maxBytes} bytes this bridge accepts (TRACEBRIDGE_IMPORT_MAX_BYTES); split it`,
  );
}

/** Refuses an upload whose declared length is already over the limit, before reading any of it. */
export function checkDeclaredLength(declared: string | undefined, maxBytes: number): void {
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

// The header record once it has arrived, resolved against the map; undefined while it is still arriving.
function checkHeader(records: CsvRecord[], map: ColumnMap | undefined): CsvRecord | undefined {
  const [first] = records;
  if (!first) return undefined;
  if (first.error !== undefined)
    throw new UploadRefused('bad-header', `line ${first.line}: the header cannot be read: ${first.error}`);
  try {
    checkDelimiter(first.fields, first.line);
    resolveHeader(first.fields, map);
  } catch (error) {
    if (error instanceof ImportFileError) throw new UploadRefused('bad-header', error.message);
    if (error instanceof ColumnMapError) throw new UploadRefused('bad-header', error.message, error.column);
    throw error;
  }
  return first;
}
