import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { runCli } from '../support/cli.js';

const fixture = (path: string): string => readFileSync(join(packageRoot, 'test', 'fixtures', path), 'utf8');
const json = (text: string): unknown => JSON.parse(text);

describe('tracebridge map', () => {
  test('a bare GIA GradingReport becomes the golden canonical record, with the loss report on stderr', async () => {
    const run = await runCli(
      ['map', '--from', 'gia', '--to', 'canonical'],
      fixture('gia/documented-emerald.report.json'),
    );
    expect(run.code).toBe(0);
    expect(json(run.stdout)).toEqual(json(fixture('gia/documented-emerald.canonical.json')));
    expect(run.stderr).toMatch(/^guessed \/\S+: /m);
  });

  test('a whole GIA GraphQL response body is accepted as well as a bare report', async () => {
    const report = json(fixture('gia/documented-emerald.report.json'));
    const body = JSON.stringify({ data: { getReport: report } });
    const run = await runCli(['map', '--from', 'gia', '--to', 'canonical'], body);
    expect(run.code).toBe(0);
    expect(json(run.stdout)).toEqual(json(fixture('gia/documented-emerald.canonical.json')));
  });

  test('canonical to tracr and back again gives the same canonical record', async () => {
    const canonical = fixture('tracr/rough-aggregated-origin.canonical.json');
    const toTracr = await runCli(['map', '--from', 'canonical', '--to', 'tracr'], canonical);
    expect(toTracr.code).toBe(0);
    const back = await runCli(['map', '--from', 'tracr', '--to', 'canonical'], toTracr.stdout);
    expect(back.code).toBe(0);
    expect(json(back.stdout)).toEqual(json(canonical));
  });

  test('gia to tracr goes through the canonical record and carries the grades across', async () => {
    const run = await runCli(
      ['map', '--from', 'gia', '--to', 'tracr'],
      fixture('gia/documented-emerald.report.json'),
    );
    expect(run.code).toBe(0);
    const stone = json(run.stdout) as { polished?: { clarity?: string; caratWeight?: number } };
    expect(stone.polished?.clarity).toBe('VS2');
    expect(stone.polished?.caratWeight).toBe(0.51);
  });

  test('an unknown clarity grade exits 1 with the field and the value named', async () => {
    const run = await runCli(
      ['map', '--from', 'gia', '--to', 'canonical'],
      fixture('gia/unknown-clarity.report.json'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/clarity_grade.*cannot understand/);
  });

  test('an invalid canonical record exits 1 naming the JSON pointer', async () => {
    const run = await runCli(
      ['map', '--from', 'canonical', '--to', 'tracr'],
      '{"schemaVersion":"1","kind":"rough","rough":{"caratWeight":-1}}',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/rough/caratWeight');
  });

  test('input that is not JSON exits 1', async () => {
    const run = await runCli(['map', '--from', 'gia', '--to', 'canonical'], '{"report_number": ');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not JSON');
  });

  test.each([
    [['map', '--to', 'canonical'], '--from and --to'],
    [['map', '--from', 'gia', '--to', 'nowhere'], "unknown format 'nowhere'"],
    [['map', '--from', 'gia', '--to', 'canonical', 'a.json', 'b.json'], 'expected one FILE'],
    [['map', '--from', 'gia', '--to', 'canonical', '/no/such/file.json'], 'cannot read'],
  ])('bad usage %j exits 2 and says why', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
