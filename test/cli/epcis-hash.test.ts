/**
 * `tracebridge epcis hash`: the reference generator's published examples hashed through the command, one
 * line per event in document order, and every refusal with its exit code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { standardsDir } from '../support/standards.js';

const examplesDir = join(standardsDir, 'epcis-hash');
const example = (file: string): string => join(examplesDir, file);
const published = (file: string): string => readFileSync(example(file), 'utf8').trim();
const documents = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.jsonld'))
  .map((file) => file.slice(0, -'.jsonld'.length));

describe('tracebridge epcis hash', () => {
  test.each(documents)('prints the published hash of every event of %s, in document order', async (name) => {
    const run = await runCli(['epcis', 'hash', example(`${name}.jsonld`)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(published(`${name}.hashes`));
  });

  test('reads the document from stdin and prints the pre-hash strings with --prehash', async () => {
    const document = readFileSync(example('epcisDocWithSingleEvent.jsonld'), 'utf8');
    const run = await runCli(['epcis', 'hash', '--prehash', '-'], document);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(published('epcisDocWithSingleEvent.prehashes'));
  });

  test('hashes the events of an EPCISQueryDocument read from stdin by default', async () => {
    const run = await runCli(['epcis', 'hash'], readFileSync(example('epcisQueryDocument.jsonld'), 'utf8'));
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    expect(run.stdout.trim()).toBe(published('epcisQueryDocument.hashes'));
  });

  test('prints nothing for a document without events', async () => {
    const empty = { type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [] } };
    const run = await runCli(['epcis', 'hash'], JSON.stringify(empty));
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test.each([
    [
      'text that is not JSON',
      '{"type": "EPCISDocument",',
      /is not an EPCIS 2.0 JSON-LD document: it is not JSON/,
    ],
    [
      'a canonical diamond record',
      '{"schemaVersion": "1", "kind": "rough"}',
      /\/type: expected "EPCISDocument"/,
    ],
    [
      'a document whose events are not a list',
      '{"type": "EPCISDocument", "epcisBody": {"eventList": 3}}',
      /\/epcisBody\/eventList/,
    ],
  ])('exits 1 with a clear error for %s', async (_, input, message) => {
    const run = await runCli(['epcis', 'hash'], input);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  test.each([
    [['epcis', 'hash', join(examplesDir, 'no-such-document.jsonld')], /cannot read .*no-such-document/],
    [['epcis', 'hash', '--sha3'], /Unknown option '--sha3'/],
    [['epcis', 'hash', 'a.jsonld', 'b.jsonld'], /expected one FILE or -, got 2/],
    [['epcis', 'digest'], /unknown subcommand 'digest'/],
    [['epcis'], /name a subcommand: hash/],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
