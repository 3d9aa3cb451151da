/**
 * The GIA golden fixtures: native records in `test/fixtures/gia/`, each with its expected canonical record
 * beside it and the JSON pointers its round trip native -> canonical -> native must name in the loss reports.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GiaRecord } from '../../../src/adapters/gia/index.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import type { Golden } from '../../../src/conformance/index.js';

/** Where the GIA fixtures live. */
export const fixturesDir = fileURLToPath(new URL('../../fixtures/gia/', import.meta.url));

/** A fixture file, parsed. */
export function fixture<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(`${fixturesDir}${file}`, 'utf8')) as T;
}

/** Every report's graded event is placed at 00:00 UTC on the report date: a guess, named in the loss report. */
const guessedTime = '/report_date_iso';

const cases: { name: string; file: string; expectedLoss: string[] }[] = [
  { name: 'documented-emerald', file: 'documented-emerald.report.json', expectedLoss: [guessedTime] },
  {
    name: 'round-d-internally-flawless',
    file: 'round-d-internally-flawless.report.json',
    expectedLoss: [guessedTime],
  },
  { name: 'fancy-intense-yellow', file: 'fancy-intense-yellow.report.json', expectedLoss: [guessedTime] },
  {
    name: 'pear-length-width-depth',
    file: 'pear-length-width-depth.report.json',
    expectedLoss: [guessedTime],
  },
  {
    name: 'superseded',
    file: 'superseded.report.json',
    expectedLoss: [guessedTime, '/info_message', '/links', '/quota'],
  },
  {
    name: 'origin-report-with-rough',
    file: 'origin-report-with-rough.report.json',
    expectedLoss: [guessedTime],
  },
  {
    name: 'printed-disagrees-with-data',
    file: 'printed-disagrees-with-data.report.json',
    expectedLoss: [guessedTime, '/results/clarity_grade'],
  },
  { name: 'rough-intake', file: 'rough-intake.intake.json', expectedLoss: [] },
];

/** The golden records, with their expected canonical records. */
export const giaGoldens: (Golden<GiaRecord> & { file: string; canonicalFile: string })[] = cases.map(
  ({ name, file, expectedLoss }) => {
    const canonicalFile = file.replace(/\.(report|intake)\.json$/, '.canonical.json');
    return {
      name,
      file,
      canonicalFile,
      native: fixture<GiaRecord>(file),
      canonical: fixture<DiamondRecord>(canonicalFile),
      expectedLoss,
    };
  },
);
