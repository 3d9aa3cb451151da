import { describe, expect, it } from 'vitest';
import { gradeMatch, rankMatches } from '../../src/reconcile/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { giaView, ledgerView } from './fixtures.js';

const stored = (id: string, record: DiamondRecord): DiamondRecord => ({ ...record, id });
const described = (record: DiamondRecord): DiamondRecord => {
  const { identifiers: _identifiers, grading: _grading, ...rest } = record;
  return rest;
};

describe('matching', () => {
  it("grades a GIA report carrying the stone's Tracr ID in its associated references as certain", () => {
    const report = { ...giaView(), identifiers: { tracrId: 'TRC-8H3N1P' } };
    const result = gradeMatch(
      report,
      stored('tb_candidate1', { ...ledgerView(), identifiers: { tracrId: 'TRC-8H3N1P' } }),
    );
    expect(result).toMatchObject({ grade: 'certain', score: 100, reasons: ['same tracrId TRC-8H3N1P'] });
  });

  it.each([
    ['giaReportNumber', { giaReportNumber: '2141438171' }, { giaReportNumber: '2141438171' }],
    ['inscription', { inscription: 'gia  2141438171' }, { inscription: 'GIA 2141438171' }],
    ['roughControlNumber', { roughControlNumber: 'RCN-77' }, { roughControlNumber: 'RCN-77' }],
  ])('grades a shared %s as certain', (_name, mine, theirs) => {
    const result = gradeMatch(
      { ...giaView(), identifiers: mine },
      stored('tb_candidate1', { ...ledgerView(), identifiers: theirs }),
    );
    expect(result.grade).toBe('certain');
  });

  it('finds a GIA report number in the grading block when the identifiers lack it', () => {
    const report = { ...giaView(), identifiers: {} };
    const result = gradeMatch(
      report,
      stored('tb_candidate1', { ...ledgerView(), identifiers: { giaReportNumber: '2141438171' } }),
    );
    expect(result.grade).toBe('certain');
  });

  it('rules out a candidate whose identifier contradicts the record', () => {
    const result = gradeMatch(
      { ...giaView(), identifiers: { giaReportNumber: '2141438171' } },
      stored('tb_candidate1', { ...ledgerView(), identifiers: { giaReportNumber: '9999999999' } }),
    );
    expect(result).toMatchObject({
      grade: 'none',
      reasons: ['giaReportNumber differs: 2141438171 against 9999999999'],
    });
  });

  it('grades shape, GIA-rounded weight, measurements, colour and clarity in agreement as probable', () => {
    const result = gradeMatch(described(giaView()), stored('tb_candidate1', described(ledgerView())));
    expect(result.grade).toBe('probable');
    expect(result.score).toBe(100);
    expect(result.reasons).toContain('carat weight 1.76 agrees with 1.768');
  });

  it('grades shape and weight without measurements as possible', () => {
    const noMeasurements = described(giaView());
    delete noMeasurements.polished?.measurements;
    const result = gradeMatch(noMeasurements, stored('tb_candidate1', described(ledgerView())));
    expect(result.grade).toBe('possible');
  });

  it('rules out a different shape or a weight beyond GIA rounding', () => {
    expect(
      gradeMatch(described(giaView({ shape: 'oval' })), stored('tb_c1', described(ledgerView()))).grade,
    ).toBe('none');
    expect(
      gradeMatch(described(giaView({ caratWeight: 1.77 })), stored('tb_c1', described(ledgerView()))).grade,
    ).toBe('none');
  });

  it('grades rough stones on weight to the thousandth and origin', () => {
    const rough = (caratWeight: number): DiamondRecord => ({
      schemaVersion: '1',
      kind: 'rough',
      rough: { caratWeight },
      origin: { country: 'BW', mine: 'Jwaneng', producer: 'Demo Mining' },
    });
    expect(gradeMatch(rough(3.127), stored('tb_c1', rough(3.127))).grade).toBe('probable');
    expect(gradeMatch(rough(3.127), stored('tb_c1', rough(3.128))).grade).toBe('none');
  });

  it('ranks candidates best first and leaves out those that do not match', () => {
    const ranked = rankMatches(described(giaView()), [
      stored('tb_other_shape', described(ledgerView({ shape: 'pear' }))),
      stored('tb_described', described(ledgerView())),
      stored('tb_by_report', { ...ledgerView(), identifiers: { giaReportNumber: '2141438171' } }),
    ]);
    expect(ranked.map((match) => [match.diamondId, match.grade])).toEqual([
      ['tb_by_report', 'probable'],
      ['tb_described', 'probable'],
    ]);
    const withReport = rankMatches(giaView(), [
      stored('tb_described', described(ledgerView())),
      stored('tb_by_report', { ...ledgerView(), identifiers: { giaReportNumber: '2141438171' } }),
    ]);
    expect(withReport.map((match) => [match.diamondId, match.grade])).toEqual([
      ['tb_by_report', 'certain'],
      ['tb_described', 'probable'],
    ]);
  });
});
