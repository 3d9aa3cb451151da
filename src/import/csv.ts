import { ImportFileError } from './errors.js';

/**
 * A streaming RFC 4180 reader over bytes. Delimiters, quotes and line breaks are ASCII, and no byte of a
 * multi-byte UTF-8 character is ASCII, so records are found in the bytes themselves: every record knows the
 * byte offset where it ends, which is what lets an import resume from the last record it finished, and a
 * field is decoded only once its bounds are known, so malformed UTF-8 is a row's problem, not the file's.
 *
 * Accepted: a byte-order mark, CRLF, LF or lone CR line ends, quoted fields holding delimiters, quotes ("")
 * and line breaks (read as a line feed), empty lines (skipped, still counted). A stray quote inside an unquoted field, text after
 * a closing quote, or a quote never closed is an error of that record; the next record is read as usual.
 */

/** One record (row) of a CSV file. */
export interface CsvRecord {
  /** The line the record starts on, 1-based, counting every line break of the file. */
  line: number;
  /** The fields, decoded and unquoted; empty when `error` says why the record could not be read. */
  fields: string[];
  /** The record's bytes exactly as in the file, line break included. */
  raw: Buffer;
  /** Byte offset just past the record (and its line break) in the whole stream. */
  end: number;
  /** The line number just past the record. */
  nextLine: number;
  /** Why the record could not be read; its fields are then not to be trusted. */
  error?: string;
}

/** The longest record accepted: past this, a quote left open would swallow the rest of the file. */
export const MAX_RECORD_BYTES = 1024 * 1024;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Reads CSV records from byte chunks; see the module comment. */
export class CsvReader {
  private pending: Buffer = Buffer.alloc(0);
  /** Byte offset of `pending[0]` in the stream. */
  private offset: number;
  private line: number;
  private readonly delimiter: number;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /**
   * @param start where in the stream the first chunk begins (a record boundary), and the line number there:
   *   `{offset: 0, line: 1}` for a whole file.
   */
  constructor(start: { offset: number; line: number } = { offset: 0, line: 1 }, delimiter = ',') {
    this.offset = start.offset;
    this.line = start.line;
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Takes the next chunk and answers the records it completes (empty lines left out). */
  push(chunk: Buffer): CsvRecord[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return this.drain(false);
  }

  /** Ends the stream: answers the last record, which needs no line break after it. */
  end(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    let position = 0;
    if (this.offset === 0 && this.pending.length >= 3 && this.pending.subarray(0, 3).equals(BOM)) {
      position = 3;
    } else if (
      this.offset === 0 &&
      !final &&
      this.pending.length < 3 &&
      BOM.subarray(0, this.pending.length).equals(this.pending)
    ) {
      return records; // perhaps the start of a byte-order mark: wait for more
    }
    while (position < this.pending.length) {
      const record = this.scan(position, final);
      if (record === undefined) break;
      position = record.endIndex;
      const { fields, error, lines } = record;
      const raw = this.pending.subarray(record.startIndex, record.endIndex);
      const line = this.line;
      this.line += lines;
      const blank = error === undefined && fields.every((field) => field.trim() === '');
      if (!blank) {
        records.push({
          line,
          fields: error === undefined ? fields : [],
          raw: Buffer.from(raw),
          end: this.offset + record.endIndex,
          nextLine: this.line,
          ...(error === undefined ? {} : { error }),
        });
      }
    }
    this.pending = this.pending.subarray(position);
    this.offset += position;
    if (!final && this.pending.length > MAX_RECORD_BYTES) {
      const line = this.line;
      throw new ImportFileError(
        line,
        `the record starting on line ${line} is longer than ${MAX_RECORD_BYTES} bytes: a quote is probably never closed`,
      );
    }
    return records;
  }

  // One record from `start`, or undefined when the chunk ends before it does (and more may come).
  private scan(
    start: number,
    final: boolean,
  ): { startIndex: number; endIndex: number; fields: string[]; lines: number; error?: string } | undefined {
    const bytes = this.pending;
    const fields: string[] = [];
    let lines = 0;
    let error: string | undefined;
    let fieldStart = start;
    let quoted = false; // the current field began with a quote
    let inQuotes = false;
    let closedAt = -1; // where the closing quote of a quoted field was
    const fail = (message: string): void => {
      error ??= message;
    };
    const finishField = (endIndex: number): void => {
      if (quoted && closedAt >= 0) {
        // A line break inside a cell is one line feed, however the spreadsheet's platform ends lines.
        fields.push(
          this.decode(bytes.subarray(fieldStart + 1, closedAt), fail)
            .replaceAll('""', '"')
            .replace(/\r\n?/g, '\n'),
        );
      } else {
        fields.push(this.decode(bytes.subarray(fieldStart, endIndex), fail));
      }
      quoted = false;
      closedAt = -1;
    };
    for (let i = start; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (inQuotes) {
        if (byte === QUOTE) {
          if (i + 1 >= bytes.length && !final) return undefined; // "" or the closing quote: need the next byte
          if (bytes[i + 1] === QUOTE) i++;
          else {
            inQuotes = false;
            closedAt = i;
          }
        } else if (byte === LF || (byte === CR && bytes[i + 1] !== LF)) lines++;
        continue;
      }
      if (byte === this.delimiter) {
        finishField(i);
        fieldStart = i + 1;
      } else if (byte === LF || byte === CR) {
        if (byte === CR && i + 1 >= bytes.length && !final) return undefined; // CR, or the CR of a CRLF
        const endIndex = byte === CR && bytes[i + 1] === LF ? i + 2 : i + 1;
        finishField(i);
        return { startIndex: start, endIndex, fields, lines: lines + 1, ...(error ? { error } : {}) };
      } else if (byte === QUOTE) {
        if (i === fieldStart) {
          quoted = true;
          inQuotes = true;
        } else if (quoted) {
          fail(`field ${fields.length + 1} has text after its closing quote`);
        } else {
          fail(
            `field ${fields.length + 1} has a quote inside an unquoted value; quote the whole field and double the quote ("")`,
          );
        }
      } else if (quoted && closedAt >= 0) {
        fail(`field ${fields.length + 1} has text after its closing quote`);
      }
    }
    if (!final) return undefined;
    if (inQuotes)
      fail(`field ${fields.length + 1} opens a quote that is never closed before the end of the file`);
    finishField(bytes.length);
    return { startIndex: start, endIndex: bytes.length, fields, lines: 0, ...(error ? { error } : {}) };
  }

  private decode(bytes: Uint8Array, fail: (message: string) => void): string {
    try {
      return this.decoder.decode(bytes);
    } catch {
      fail('is not valid UTF-8 text; save the file as UTF-8');
      return '';
    }
  }
}

/** Delimiters a spreadsheet may have used instead of the comma, with their names for messages. */
const otherDelimiters: readonly (readonly [string, string])[] = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/**
 * Refuses a header that is one field holding another delimiter: a file exported with semicolons (the
 * default of spreadsheets in many locales) or tabs would otherwise read as one unknown column.
 */
export function checkDelimiter(header: readonly string[], line: number): void {
  if (header.length !== 1) return;
  const [only] = header as [string];
  for (const [delimiter, name] of otherDelimiters) {
    if (only.includes(delimiter)) {
      throw new ImportFileError(
        line,
        `the header is separated by ${name}, not commas: save the file as comma-separated CSV (RFC 4180)`,
      );
    }
  }
}
