/**
 * Validation throughput: canonical records validated per second, against merely parsing the same JSON —
 * the cost the schema adds on top of reading a record at all.
 */
import { validateDiamond } from '../src/mapping/validate.js';
import { figure, type Benchmark } from './figure.js';

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
    let invalid = 0;
    // Warm both paths so neither pays for compilation or JIT in the timed runs.
    for (const line of lines.slice(0, 1000)) validateDiamond(JSON.parse(line));
    const parseOnly = timeIt(() => {
      for (const line of lines) JSON.parse(line);
    });
    const parseAndValidate = timeIt(() => {
      for (const line of lines) if (!validateDiamond(JSON.parse(line)).valid) invalid++;
    });
    if (invalid > 0) throw new Error(`bench records are invalid (${invalid})`);
    return Promise.resolve([
      figure(
        'validate: records/s vs JSON.parse alone',
        { value: records / parseAndValidate, baseline: records / parseOnly, unit: 'records/s' },
        { ratio: 0.25, better: 'higher' },
      ),
    ]);
  },
};
