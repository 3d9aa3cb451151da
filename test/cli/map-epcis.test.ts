/** `tracebridge map` between canonical records and EPCIS documents, in both directions, through the registry. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { demoStones } from '../../src/cli/demo-stones.js';
import { packageRoot } from '../../src/package-root.js';
import { runCli, type CliRun } from '../support/cli.js';
import { epcisSchemaErrors, gs1Examples } from '../adapters/epcis/support.js';

const roughFile = join(packageRoot, 'test', 'fixtures', 'epcis', 'rough-sold.json');

const map = (args: string[]): Promise<CliRun> => runCli(['map', ...args]);

describe('tracebridge map with epcis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-map-epcis-'));

  test('canonical -> epcis prints a schema-valid document and the loss report on stderr', async () => {
    const run = await map(['--from', 'canonical', '--to', 'epcis', roughFile]);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { epcisBody: { eventList: unknown[] } };
    expect(epcisSchemaErrors(document)).toEqual([]);
    expect(document.epcisBody.eventList).toHaveLength(3);
    expect(run.stderr).toContain('dropped /sources:');
  });

  test('epcis -> canonical gives back the record it came from, without its sync bookkeeping', async () => {
    const exported = await map(['--from', 'canonical', '--to', 'epcis', roughFile]);
    const file = join(dir, 'rough.epcis.jsonld');
    writeFileSync(file, exported.stdout);
    const run = await map(['--from', 'epcis', '--to', 'canonical', file]);
    expect(run.code).toBe(0);
    const { sources: _sources, ...expected } = JSON.parse(readFileSync(roughFile, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });

  test("the demo stones map to documents with their events, each stating its stone's master data", async () => {
    const file = join(dir, 'demo-stones.json');
    writeFileSync(file, JSON.stringify(demoStones));
    const run = await map(['--from', 'canonical', '--to', 'epcis', file]);
    expect(run.code).toBe(0);
    const documents = JSON.parse(run.stdout) as { epcisBody: { eventList: Record<string, unknown>[] } }[];
    expect(documents).toHaveLength(demoStones.length);
    documents.forEach((document, index) => {
      expect(epcisSchemaErrors(document)).toEqual([]);
      const [commissioning] = document.epcisBody.eventList;
      expect(commissioning).toMatchObject({
        action: 'ADD',
        bizStep: 'commissioning',
        ilmd: {
          'tb:roughCaratWeight': demoStones[index]!.rough!.caratWeight,
          'cbvmda:countryOfOrigin': demoStones[index]!.origin!.country,
        },
      });
      // No registration is recorded yet: the commissioning is stated, and the loss report says so.
      expect(run.stderr).toContain(`guessed /${index}/events: no registration event is recorded`);
    });
  });

  test('exporting then importing through map gives back the same events', async () => {
    const exported = await map(['--from', 'canonical', '--to', 'epcis', roughFile]);
    const file = join(dir, 'rough-events.epcis.jsonld');
    writeFileSync(file, exported.stdout);
    const back = await map(['--from', 'epcis', '--to', 'canonical', file]);
    const original = JSON.parse(readFileSync(roughFile, 'utf8')) as { events: unknown[] };
    expect((JSON.parse(back.stdout) as { events: unknown[] }).events).toEqual(original.events);
  });

  test('a GS1 example that describes no diamond exits 1 naming what is missing', async () => {
    const [name, example] = gs1Examples()[0]!;
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(example));
    const run = await map(['--from', 'epcis', '--to', 'canonical', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tracebridge map: \/epcisBody\/eventList: .*tb:roughCaratWeight/);
  });
});
