import { describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { chooseTargets } from '../../src/sync/targets.js';
import type { DiamondRecord } from '../../src/types/diamond.js';

const graded: DiamondRecord = {
  schemaVersion: '1',
  kind: 'polished',
  owner: { org: 'demo-mining' },
  identifiers: { giaReportNumber: '2141438171' },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
  polished: { shape: 'emerald', caratWeight: 0.514, color: { scale: 'DZ', grade: 'E' }, clarity: 'VS2' },
  grading: {
    lab: 'GIA',
    reportNumber: '2141438171',
    reportDate: '2019-09-01',
    reportType: 'Diamond Dossier',
  },
};

describe('choosing the platforms a stone is written to', () => {
  it('leaves GIA out of a graded stone without rough data, naming the field its intake needs', () => {
    const choice = chooseTargets(graded, [giaAdapter, tracrAdapter]);
    expect(choice.targets).toEqual(['tracr']);
    expect(choice.skipped).toEqual([
      { platform: 'gia', reason: expect.stringContaining('/identifiers/roughControlNumber') as unknown },
    ]);
  });

  it("writes a graded stone's rough data to GIA's intake when the record carries it", () => {
    const withRough: DiamondRecord = {
      ...graded,
      identifiers: { ...graded.identifiers, roughControlNumber: 'RCN-2019-0001' },
      rough: { caratWeight: 2.15 },
    };
    expect(chooseTargets(withRough, [giaAdapter, tracrAdapter]).targets).toEqual(['gia', 'tracr']);
  });
});
