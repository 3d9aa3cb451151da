/**
 * What the canonical model costs on top of reading JSON at all, in one process, repeated and taken as the
 * median of the repeats:
 * - validation: canonical records parsed and validated per second, against parsing them alone (the schema
 *   should cost at most half of what parsing does);
 * - mapping: GIA grading report responses turned into canonical records (parse, unwrap, translate,
 *   validate), against parsing and stringifying the same responses.
 */
import { toCanonical, unwrapGiaResponse } from '../src/adapters/gia/index.js';
import { validateDiamond } from '../src/mapping/validate.js';
import { giaSampleReports } from '../sim/gia/samples.js';
import { repeatedFigure, type Benchmark, type Sample } from './figure.js';

// Nine, so the median stands clear of a collection or a neighbour's load landing in one or two repeats.
const repeats = 9;

const records = 20_000;

function sampleLine(i: number): string {
  return JSON.stringify({
    schemaVersion: '1',
    id: `tb_bench${String(i).padStart(8, '0')}`,
    kind: 'polished',
    owner: { org: 'demo-mining' },
    identifiers: { giaReportNumber: String(2141438171 + i), inscription: `GIA ${2141438171 + i}` },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
    polished: {
      shape: 'round',
      caratWeight: 0.514,
      color: { scale: 'DZ', grade: 'E' },
      clarity: 'VS2',
      cut: 'EX',
      polish: 'EX',
      symmetry: 'VG',
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 },
    },
    grading: {
      lab: 'GIA',
      reportNumber: String(2141438171 + i),
      reportDate: '2019-09-01',
      reportType: 'Diamond Dossier',
    },
  });
}

function timeIt(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export const mappingBenchmark: Benchmark = {
  name: 'mapping',
  run() {
    const lines = Array.from({ length: records }, (_, i) => sampleLine(i));
    const responses = giaResponses();
    // Warm every path so none pays for compilation or JIT in the timed runs.
    for (const line of lines.slice(0, 1000)) validateDiamond(JSON.parse(line));
    for (const body of responses.slice(0, 200)) mapResponse(body);
    const validation: Sample[] = [];
    const mapping: Sample[] = [];
    for (let round = 0; round < repeats; round++) {
      const parseOnly = timeIt(() => {
        for (const line of lines) JSON.parse(line);
      });
      const parseAndValidate = timeIt(() => {
        for (const line of lines)
          if (!validateDiamond(JSON.parse(line)).valid) throw new Error('bench records are invalid');
      });
      validation.push({ value: records / parseAndValidate, baseline: records / parseOnly });
      const roundTrip = timeIt(() => {
        for (const body of responses) JSON.stringify(JSON.parse(body));
      });
      const mapped = timeIt(() => {
        for (const body of responses) mapResponse(body);
      });
      mapping.push({ value: mapped * 1000, baseline: roundTrip * 1000 });
    }
    return Promise.resolve([
      repeatedFigure('validate: records/s, parse+validate vs parse alone', validation, 'records/s', {
        ratio: 0.67,
        better: 'higher',
      }),
      repeatedFigure(
        `map: ${responses.length} GIA report responses to canonical, time vs parse+stringify`,
        mapping,
        'ms',
        { ratio: 3, better: 'lower' },
      ),
    ]);
  },
};

/** GIA `getReport` response bodies as the API sends them, one per sample report, repeated to `records`. */
function giaResponses(): string[] {
  return Array.from({ length: records / 2 }, (_, i) => {
    const report = giaSampleReports[i % giaSampleReports.length]!;
    return JSON.stringify({ data: { getReport: report } });
  });
}

/** A GIA response as the bridge takes it in: parsed, unwrapped, translated, and checked against the schema. */
function mapResponse(body: string): void {
  const { value } = toCanonical(unwrapGiaResponse(JSON.parse(body)));
  if (!validateDiamond(value).valid) throw new Error('bench: a mapped GIA report is not a valid record');
}
