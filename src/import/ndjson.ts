import { ImportFileError } from './errors.js';

/**
 * A streaming NDJSON reader over bytes: one JSON value per line, blank lines skipped (and counted), a
 * byte-order mark and CRLF accepted. Like the CSV reader, each line knows the byte offset where it ends, so
 * an import resumes from the last line it finished.
 */

/** One non-blank line of an NDJSON file. */
export interface NdjsonLine {
  /** 1-based line number. */
  line: number;
  /** The line's bytes exactly as in the file, line break included. */
  raw: Buffer;
  /** The line's bytes without the line break, for the JSON reader. */
  text: Buffer;
  /** Byte offset just past the line in the whole stream. */
  end: number;
}

/** The longest line accepted; a canonical record is a few kilobytes. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Splits NDJSON bytes into lines; see the module comment. */
export class NdjsonReader {
  private pending: Buffer = Buffer.alloc(0);
  private offset: number;
  private line: number;

  /** @param start where the first chunk begins (a line boundary) and its line number. */
  constructor(start: { offset: number; line: number } = { offset: 0, line: 1 }) {
    this.offset = start.offset;
    this.line = start.line;
  }

  /** Takes the next chunk and answers the lines it completes. */
  push(chunk: Buffer): NdjsonLine[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return this.drain(false);
  }

  /** Ends the stream: answers a last line without a line break. */
  end(): NdjsonLine[] {
    return this.drain(true);
  }

  private drain(final: boolean): NdjsonLine[] {
    const lines: NdjsonLine[] = [];
    let position = 0;
    if (this.offset === 0 && this.pending[0] === 0xef && this.pending[1] === 0xbb && this.pending[2] === 0xbf)
      position = 3;
    while (position < this.pending.length) {
      const newline = this.pending.indexOf(0x0a, position);
      if (newline < 0 && !final) break;
      const endIndex = newline < 0 ? this.pending.length : newline + 1;
      let textEnd = newline < 0 ? endIndex : newline;
      if (textEnd > position && this.pending[textEnd - 1] === 0x0d) textEnd--;
      const text = this.pending.subarray(position, textEnd);
      if (text.some((byte) => byte !== 0x20 && byte !== 0x09)) {
        lines.push({
          line: this.line,
          raw: Buffer.from(this.pending.subarray(position, endIndex)),
          text: Buffer.from(text),
          end: this.offset + endIndex,
        });
      }
      this.line++;
      position = endIndex;
    }
    this.pending = this.pending.subarray(position);
    this.offset += position;
    if (this.pending.length > MAX_LINE_BYTES) {
      throw new ImportFileError(
        this.line,
        `line ${this.line} is longer than ${MAX_LINE_BYTES} bytes; one record per line`,
      );
    }
    return lines;
  }
}
