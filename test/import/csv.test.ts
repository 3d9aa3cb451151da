import { describe, expect, it } from 'vitest';
import { checkDelimiter, CsvReader, type CsvRecord } from '../../src/import/csv.js';
import { ImportFileError } from '../../src/import/errors.js';

/** Reads `text` through the reader in pieces of `size` bytes, as a network stream would deliver it. */
function readAll(text: string | Buffer, size = 3): CsvRecord[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const reader = new CsvReader();
  const records: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) records.push(...reader.push(bytes.subarray(i, i + size)));
  records.push(...reader.end());
  return records;
}

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted delimiters, doubled quotes and quoted line breaks, whatever the chunk size', () => {
    const text = 'a,b,c\r\n"1,5","say ""hi""","two\r\nlines"\r\nx,,z\r\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const records = readAll(text, size);
      expect(records.map((r) => r.fields)).toEqual([
        ['a', 'b', 'c'],
        ['1,5', 'say "hi"', 'two\nlines'],
        ['x', '', 'z'],
      ]);
      expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
      expect(records.map((r) => r.nextLine)).toEqual([2, 4, 5]);
    }
  });

  it('skips a byte-order mark and counts it in the byte offsets', () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('h\n1\n')]);
    const records = readAll(text, 1);
    expect(records.map((r) => r.fields)).toEqual([['h'], ['1']]);
    expect(records.map((r) => r.end)).toEqual([5, 7]);
  });

  it('skips empty lines and rows of empty cells but keeps counting lines', () => {
    const records = readAll('h1,h2\n\n,\n\r\na,b\n');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [5, ['a', 'b']],
    ]);
  });

  it('reads a last record without a line break, and lone CR line ends', () => {
    expect(readAll('a,b\rc,d').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('refuses a stray quote in an unquoted field as that row only', () => {
    const records = readAll('a,b\n1,x"y\n2,ok\n');
    expect(records[1]!.error).toMatch(/quote inside an unquoted value/);
    expect(records[2]!.fields).toEqual(['2', 'ok']);
  });

  it('refuses text after a closing quote and a quote never closed', () => {
    expect(readAll('"a"b,c\n')[0]!.error).toMatch(/after its closing quote/);
    expect(readAll('a\n"never closed\n')[1]!.error).toMatch(/never closed/);
  });

  it('refuses malformed UTF-8 in a row, not in the file', () => {
    const bytes = Buffer.concat([Buffer.from('a\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\nb\n')]);
    const records = readAll(bytes);
    expect(records[1]!.error).toMatch(/not valid UTF-8/);
    expect(records[2]!.fields).toEqual(['b']);
  });

  it("keeps each record's bytes exactly and resumes from a record's end offset", () => {
    const text = 'h\n"é,\n1"\nzz\n';
    const all = readAll(text);
    expect(Buffer.concat(all.map((r) => r.raw)).toString()).toBe(text);
    const resumed = new CsvReader({ offset: all[1]!.end, line: all[1]!.nextLine });
    const rest = [...resumed.push(Buffer.from(text).subarray(all[1]!.end)), ...resumed.end()];
    expect(rest.map((r) => [r.line, r.fields])).toEqual([[4, ['zz']]]);
  });

  it('says which delimiter a one-column header was separated by', () => {
    expect(() => checkDelimiter(['a;b;c'], 1)).toThrow(/separated by semicolons/);
    expect(() => checkDelimiter(['a\tb'], 1)).toThrow(ImportFileError);
    expect(() => checkDelimiter(['rough.caratWeight'], 1)).not.toThrow();
  });
});
