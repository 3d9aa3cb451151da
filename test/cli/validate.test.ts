import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { runCli, spawnCli, type CliRun } from '../support/cli.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'canonical');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as Record<string, unknown>;
const rough = fixture('rough.json');
const polished = fixture('polished.json');
const badClarity = { ...polished, polished: { ...(polished.polished as object), clarity: 'VVS-1' } };

/** Runs `tracebridge validate ...args` in-process with `input` on stdin. */
const validate = (args: string[], input: string | Readable = ''): Promise<CliRun> =>
  runCli(['validate', ...args], input);

const lines = (text: string): string[] => text.trimEnd().split('\n');

describe('tracebridge validate', () => {
  test('a valid pretty-printed object spanning lines exits 0 with the summary', async () => {
    const run = await validate([], JSON.stringify(polished, null, 2));
    expect(run).toEqual({ code: 0, stdout: '1 record, 0 invalid\n', stderr: '' });
  });

  test('a valid compact object on one line exits 0', async () => {
    expect((await validate(['-'], JSON.stringify(rough))).code).toBe(0);
  });

  test('an array reports each invalid element by index and line, then exits 1', async () => {
    const input = JSON.stringify([rough, badClarity, polished], null, 2);
    const line =
      input.split('\n').findIndex((text, i, all) => i > 0 && text === '  {' && all[i - 1] === '  },') + 1;
    const run = await validate([], input);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      `record 1 (line ${line}): /polished/clarity: must be one of FL, IF, VVS1, VVS2, VS1, VS2, SI1, SI2, I1, I2, I3 (got "VVS-1")`,
      '3 records, 1 invalid',
    ]);
  });

  test('NDJSON reports a line that is not JSON with its line number and keeps going', async () => {
    const input = [
      JSON.stringify(rough),
      '',
      '{"schemaVersion": "1", "kind"',
      JSON.stringify(badClarity),
      '',
    ].join('\n');
    const run = await validate([], input);
    expect(run.code).toBe(1);
    const [broken, clarity, summary] = lines(run.stdout);
    expect(broken).toMatch(/^record 1 \(line 3\): not valid JSON: /);
    expect(clarity).toMatch(/^record 2 \(line 4\): \/polished\/clarity: must be one of /);
    expect(summary).toBe('3 records, 2 invalid');
  });

  test('NDJSON ignores blank lines and accepts CRLF line ends', async () => {
    const input = ['', JSON.stringify(rough), '', '   ', JSON.stringify(polished), ''].join('\r\n');
    expect(await validate([], input)).toMatchObject({ code: 0, stdout: '2 records, 0 invalid\n' });
  });

  test('a record that is not an object is invalid, not a crash', async () => {
    const run = await validate([], '"hello"\n42\n');
    expect(lines(run.stdout)).toEqual([
      'record 0 (line 1): /: must be an object (got "hello")',
      'record 1 (line 2): /: must be an object (got 42)',
      '2 records, 2 invalid',
    ]);
  });

  test('an array cut short reports where the input ended', async () => {
    const run = await validate([], `[${JSON.stringify(rough)},\n{"kind": `);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/record 1 \(line 2\): not valid JSON/);
  });

  test('empty input has no records and passes', async () => {
    expect(await validate([], '  \n')).toMatchObject({ code: 0, stdout: '0 records, 0 invalid\n' });
  });

  test('reads a file named on the command line', async () => {
    expect(await validate([join(fixtures, 'rough.json')])).toMatchObject({
      code: 0,
      stdout: '1 record, 0 invalid\n',
    });
  });

  test('a missing file is unreadable input: exit 2 naming the file', async () => {
    const run = await validate([join(fixtures, 'no-such-stone.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read .*no-such-stone\.json: ENOENT/);
  });

  test('a directory is unreadable input: exit 2', async () => {
    const run = await validate([fixtures]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read .*EISDIR/);
  });

  test.each([
    [['a.json', 'b.json'], /expected one FILE or -, got 2/],
    [['--strict'], /unknown option '--strict'/],
  ])('bad usage %j exits 2 with the usage line', async (args, message) => {
    const run = await validate(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage: tracebridge validate \[FILE\|-\]/);
  });

  test('streams a 50,000-line NDJSON input and reports the invalid lines by number', async () => {
    const total = 50_000;
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < total; i++) {
          const record = i % 10_000 === 9_999 ? badClarity : { ...rough, id: `tb_stone_${i}` };
          yield `${JSON.stringify(record)}\n`;
        }
      })(),
    );
    const run = await validate([], input);
    expect(run.code).toBe(1);
    const reported = lines(run.stdout);
    expect(reported.at(-1)).toBe(`${total} records, 5 invalid`);
    expect(reported.slice(0, -1).map((line) => /line (\d+)/.exec(line)?.[1])).toEqual([
      '10000',
      '20000',
      '30000',
      '40000',
      '50000',
    ]);
  });

  test('the installed command validates a file and answers through its exit code', async () => {
    const spawned = (args: string[], stdin: string): Promise<CliRun> =>
      spawnCli(['validate', ...args], stdin);
    expect(await spawned([join(fixtures, 'polished.json')], '')).toMatchObject({
      code: 0,
      stdout: '1 record, 0 invalid\n',
    });
    const invalid = await spawned(['-'], JSON.stringify(badClarity));
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^record 0 \(line 1\): \/polished\/clarity: /);
  });
});
