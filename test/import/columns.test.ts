import { describe, expect, it } from 'vitest';
import { ColumnMapError, parseColumnMap, resolveHeader } from '../../src/import/columns.js';
import type { CsvRecord } from '../../src/import/csv.js';
import { readCsvRow } from '../../src/import/rows.js';

const record = (line: number, fields: string[]): CsvRecord => ({
  line,
  fields,
  raw: Buffer.from(`${fields.join(',')}\n`),
  end: 0,
  nextLine: line + 1,
});

describe('column maps', () => {
  it('reads the canonical paths themselves without a map', () => {
    const columns = resolveHeader(['identifiers.roughControlNumber', 'rough.caratWeight', 'polished.color']);
    expect(columns.map((c) => c.path)).toEqual([
      'identifiers.roughControlNumber',
      'rough.caratWeight',
      'polished.color',
    ]);
  });

  it('refuses a header naming no known column, naming it and the paths it could be mapped to', () => {
    expect(() => resolveHeader(['identifiers.roughControlNumber', 'Colour Code'])).toThrow(
      /"Colour Code".*rough\.caratWeight/,
    );
    expect(() => resolveHeader(['rough.caratWeight', 'Wt'], { Wt: 'rough.caratWeight' })).toThrow(
      /both fill rough\.caratWeight/,
    );
    expect(() => resolveHeader(['a', 'a'], { a: null })).toThrow(/twice/);
  });

  it('refuses a map entry with an unknown path, a unit on a non-weight, or an unknown unit', () => {
    expect(() => parseColumnMap({ Wt: 'rough.weight' })).toThrow(ColumnMapError);
    expect(() => parseColumnMap({ Mine: { path: 'origin.mine', unit: 'g' } })).toThrow(/only to weights/);
    expect(() => parseColumnMap({ Wt: { path: 'rough.caratWeight', unit: 'lb' } })).toThrow(/ct, pt, g, mg/);
    expect(() => parseColumnMap({ Wt: { path: 'rough.caratWeight', scale: 2 } })).toThrow(/unknown setting/);
    expect(() => parseColumnMap([])).toThrow(/JSON object/);
  });
});

describe('reading a row through a column map', () => {
  const map = parseColumnMap({
    Ref: 'identifiers.producerRef',
    'Wt (g)': { path: 'rough.caratWeight', unit: 'g' },
    Colour: { path: 'polished.color', values: { 'Top Silver Cape': 'K', Canary: 'Fancy Intense Yellow' } },
    Shape: { path: 'polished.shape', values: { Brilliant: 'round' } },
    Origin: 'origin.country',
    Cut: 'polished.cut',
    Notes: null,
  });
  const header = ['Ref', 'Wt (g)', 'Colour', 'Shape', 'Origin', 'Cut', 'Notes'];
  const columns = resolveHeader(header, map);

  it("converts grams to carats and reads the producer's own words and the trade's", () => {
    const read = readCsvRow(
      record(2, ['P-1', '0.102', 'top silver cape', 'Brilliant', 'Mixed', 'Very Good', '=ignored']),
      columns,
      header.length,
    );
    expect(read).toHaveProperty('row');
    if (!('row' in read)) return;
    expect(read.row.fields).toEqual({
      identifiers: { producerRef: 'P-1' },
      rough: { caratWeight: 0.51 },
      polished: { color: { scale: 'DZ', grade: 'K' }, shape: 'round', cut: 'VG' },
      origin: { aggregated: true },
    });
    const fancy = readCsvRow(record(3, ['P-2', '1', 'Canary', '', 'BW', '', '']), columns, header.length);
    expect('row' in fancy && fancy.row.fields.polished).toEqual({
      color: { scale: 'fancy', intensity: 'INT', hue: 'yellow' },
    });
  });

  it('refuses each bad cell with its line, column and value, and nothing of the row', () => {
    const read = readCsvRow(
      record(9, ['P-3', '=A1*2', 'Z+', 'Blob', 'Atlantis', 'Great', '']),
      columns,
      header.length,
    );
    expect('refused' in read && read.refused.errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [9, 'Wt (g)', '=A1*2'],
      [9, 'Colour', 'Z+'],
      [9, 'Shape', 'Blob'],
      [9, 'Origin', 'Atlantis'],
      [9, 'Cut', 'Great'],
    ]);
  });

  it('refuses a weight whose unit disagrees with the column, and a row of the wrong width', () => {
    const mixed = readCsvRow(record(4, ['P-4', '0.5 ct', '', '', '', '', '']), columns, header.length);
    expect('refused' in mixed && mixed.refused.errors[0]?.message).toMatch(/in grams/);
    const narrow = readCsvRow(record(5, ['P-5;0.5']), columns, header.length);
    expect('refused' in narrow && narrow.refused.errors[0]?.message).toMatch(
      /1 fields where the header has 7/,
    );
  });
});
