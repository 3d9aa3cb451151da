/**
 * From a record of the file to a candidate stone: CSV cells through the column map and the cell readers,
 * NDJSON lines through the API's own JSON reader. Every problem names the line, the column and the value,
 * and a row with any problem is refused whole: nothing of it is stored.
 */
import { MappingError } from '../mapping/errors.js';
import { readStrictJson, StrictJsonError, textProblem } from '../mapping/strict-json.js';
import { readCell, setPath } from './cells.js';
import type { Column } from './columns.js';
import type { CsvRecord } from './csv.js';
import type { NdjsonLine } from './ndjson.js';

/** One problem of one row: DESIGN's `{line, column?, value?, message}`. */
export interface RowError {
  line: number;
  /** The header name (CSV) or JSON pointer (NDJSON) of the field at fault. */
  column?: string;
  /** The value as given. */
  value?: string;
  message: string;
}

/** A row that was read: the fields it sets, and where each came from. */
export interface CandidateRow {
  line: number;
  raw: Buffer;
  /** The canonical fields the row sets (a partial record). */
  fields: Record<string, unknown>;
  /** Which column and cell a JSON pointer of the record came from, for validation errors. */
  sourceOf(pointer: string): { column: string; value?: string } | undefined;
}

/** A row read, or refused with its problems. */
export type ReadRow = { row: CandidateRow } | { refused: { line: number; raw: Buffer; errors: RowError[] } };

/** Reads one CSV record through the resolved columns; `width` is the header's field count. */
export function readCsvRow(record: CsvRecord, columns: readonly Column[], width: number): ReadRow {
  const { line, raw } = record;
  const refuse = (errors: RowError[]): ReadRow => ({ refused: { line, raw, errors } });
  if (record.error !== undefined)
    return refuse([{ line, message: `the row cannot be read: ${record.error}` }]);
  if (record.fields.length !== width) {
    return refuse([
      {
        line,
        message: `the row has ${record.fields.length} fields where the header has ${width}${record.fields.length === 1 ? '; is it separated by commas?' : ''}`,
      },
    ]);
  }
  const fields: Record<string, unknown> = {};
  const sources = new Map<string, { column: string; value: string }>();
  const errors: RowError[] = [];
  for (const column of columns) {
    const cell = record.fields[column.index]!;
    const trimmed = cell.trim();
    if (trimmed === '') continue; // an empty cell sets nothing
    const problem = cellProblem(trimmed);
    if (problem !== undefined) {
      errors.push({ line, column: column.name, value: cell, message: problem });
      continue;
    }
    const meant = column.values?.get(trimmed.toLowerCase()) ?? trimmed;
    try {
      for (const [path, value] of readCell(meant, column.path, column.unit)) {
        setPath(fields, path, value);
        sources.set(`/${path.replaceAll('.', '/')}`, { column: column.name, value: cell });
      }
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      errors.push({ line, column: column.name, value: cell, message: `expected ${error.expected}` });
    }
  }
  if (errors.length > 0) return refuse(errors);
  return {
    row: {
      line,
      raw,
      fields,
      sourceOf: (pointer) => {
        for (const [at, source] of sources) if (pointer === at || pointer.startsWith(`${at}/`)) return source;
        return undefined;
      },
    },
  };
}

/** Reads one NDJSON line as a canonical record (or a part of one) with the API's own JSON checks. */
export function readNdjsonRow(entry: NdjsonLine): ReadRow {
  const { line, raw } = entry;
  let value: unknown;
  try {
    value = readStrictJson(entry.text);
  } catch (error) {
    if (!(error instanceof StrictJsonError)) throw error;
    const first = error.problems[0];
    return {
      refused: {
        line,
        raw,
        errors: error.problems.map((problem) => ({
          line,
          ...(problem.pointer ? { column: problem.pointer } : {}),
          message: first && problem.pointer === '' ? error.detail : problem.message,
        })),
      },
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      refused: {
        line,
        raw,
        errors: [{ line, message: 'each line must be one JSON object (a canonical record)' }],
      },
    };
  return {
    row: {
      line,
      raw,
      fields: value as Record<string, unknown>,
      sourceOf: (pointer) => ({ column: pointer }),
    },
  };
}

/**
 * Why a cell cannot be taken as it is: a spreadsheet formula (its value was never exported, and the cell
 * would run again in whoever opens the refused rows), or text the API refuses in any record.
 */
export function cellProblem(cell: string): string | undefined {
  if (cell.startsWith('=')) return 'is a spreadsheet formula; export the value it shows, not the formula';
  return textProblem(cell);
}
