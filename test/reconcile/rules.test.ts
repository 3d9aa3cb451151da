import { describe, expect, it } from 'vitest';
import {
  authorityFromAdapters,
  caratWeightsAgree,
  colorsAgree,
  defaultTolerances,
  fieldRules,
  findMismatches,
  measurementsAgree,
  type Mismatch,
} from '../../src/reconcile/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { adapters, giaView, ledgerView } from './fixtures.js';

const authorityOf = authorityFromAdapters(adapters);
const compare = (views: Record<string, DiamondRecord>, tolerances = {}): Mismatch[] =>
  findMismatches('tb_stone_000001', views, { authorityOf, tolerances });
const only = (mismatches: Mismatch[], field: string): Mismatch | undefined =>
  mismatches.find((mismatch) => mismatch.field === field);

describe('mismatch rules', () => {
  it('finds no false mismatch where the tolerances agree: 1.768 ct against "1.76 carat", 6.45 mm against 6.47 mm', () => {
    expect(compare({ tracr: ledgerView(), gia: giaView() })).toEqual([]);
  });

  it.each([
    [1.768, 1.76, true],
    [0.514, 0.51, true],
    [1.769, 1.77, true],
    [0.999, 1.0, true],
    [1.768, 1.768, true],
    [1.768, 1.77, false],
    [1.76, 1.77, false],
    [1.768, 1.767, false],
    [0.514, 0.52, false],
  ])('judges carat weights %s and %s under GIA rounding: agree=%s', (a, b, agree) => {
    expect(caratWeightsAgree(a, b, defaultTolerances)).toBe(agree);
    expect(caratWeightsAgree(b, a, defaultTolerances)).toBe(agree);
  });

  it('finds a weight edited on the ledger as a critical mismatch with authority gia', () => {
    const found = only(
      compare({ tracr: ledgerView({ caratWeight: 1.802 }), gia: giaView() }),
      'polished.caratWeight',
    );
    expect(found).toMatchObject({
      diamondId: 'tb_stone_000001',
      field: 'polished.caratWeight',
      values: { tracr: 1.802, gia: 1.76 },
      severity: 'critical',
      authority: 'gia',
      rule: 'carat-weight',
    });
  });

  it('finds a colour re-issued at GIA (E on the ledger, F at GIA) as critical with authority gia', () => {
    const mismatches = compare({ tracr: ledgerView(), gia: giaView({ color: { scale: 'DZ', grade: 'F' } }) });
    expect(mismatches).toEqual([
      expect.objectContaining({
        field: 'polished.color',
        values: { tracr: { scale: 'DZ', grade: 'E' }, gia: { scale: 'DZ', grade: 'F' } },
        severity: 'critical',
        authority: 'gia',
      }),
    ]);
  });

  it('agrees on measurements within 0.03 mm per dimension and disagrees beyond it', () => {
    const round = { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 };
    expect(measurementsAgree(round, { ...round, minDiameterMm: 6.48 }, defaultTolerances)).toBe(true);
    expect(measurementsAgree(round, { ...round, minDiameterMm: 6.49 }, defaultTolerances)).toBe(false);
    expect(measurementsAgree(round, { ...round, depthMm: 4.1 }, defaultTolerances)).toBe(false);
    const fancy = { lengthMm: 5.29, widthMm: 3.88, depthMm: 2.61 };
    expect(measurementsAgree(fancy, { lengthMm: 5.31, widthMm: 3.9, depthMm: 2.6 }, defaultTolerances)).toBe(
      true,
    );
    expect(measurementsAgree(fancy, { ...fancy, widthMm: 3.95 }, defaultTolerances)).toBe(false);
    expect(measurementsAgree(round, fancy, defaultTolerances)).toBe(false);
  });

  it('reports measurements beyond the tolerance as major, and honours a configured tolerance', () => {
    const gia = giaView({ measurements: { minDiameterMm: 6.52, maxDiameterMm: 6.49, depthMm: 3.99 } });
    expect(only(compare({ tracr: ledgerView(), gia }), 'polished.measurements')).toMatchObject({
      severity: 'major',
      authority: 'gia',
      rule: 'measurements',
    });
    expect(compare({ tracr: ledgerView(), gia }, { measurementMm: 0.1 })).toEqual([]);
  });

  it('treats fancy hues spelt differently as one colour and different intensities as two', () => {
    const pink = { scale: 'fancy', intensity: 'INT', hue: 'grayish pink' } as const;
    expect(colorsAgree(pink, { ...pink, hue: 'Greyish  Pink' }, defaultTolerances)).toBe(true);
    expect(colorsAgree(pink, { ...pink, intensity: 'VIV' }, defaultTolerances)).toBe(false);
    expect(colorsAgree(pink, { scale: 'DZ', grade: 'E' }, defaultTolerances)).toBe(false);
  });

  it('compares report dates by calendar day', () => {
    const gia = giaView();
    const other = { ...giaView(), grading: { ...gia.grading!, reportDate: '2019-09-01T00:00:00Z' } };
    expect(compare({ gia, lab: other })).toEqual([]);
    const later = { ...giaView(), grading: { ...gia.grading!, reportDate: '2019-09-02' } };
    expect(only(compare({ gia, lab: later }), 'grading.reportDate')).toMatchObject({ severity: 'minor' });
  });

  it('rates a country against "aggregated" softer than two different countries', () => {
    const aggregated = { ...giaView(), origin: { aggregated: true } };
    const canada = { ...giaView(), origin: { country: 'CA' } };
    expect(only(compare({ tracr: ledgerView(), gia: aggregated }), 'origin.country')).toMatchObject({
      values: { tracr: 'BW', gia: 'aggregated' },
      severity: 'major',
      authority: 'tracr',
    });
    expect(only(compare({ tracr: ledgerView(), gia: canada }), 'origin.country')).toMatchObject({
      values: { tracr: 'BW', gia: 'CA' },
      severity: 'critical',
    });
  });

  it('does not count a field one platform does not hold as a mismatch', () => {
    const bare = {
      schemaVersion: '1',
      kind: 'polished',
      polished: { shape: 'round', caratWeight: 1.76 },
    } as const;
    expect(compare({ tracr: ledgerView(), gia: bare })).toEqual([]);
  });

  it('compares names by their words and inscriptions however they are spaced', () => {
    const a = {
      ...ledgerView(),
      identifiers: { inscription: 'GIA 2141438171' },
      origin: { producer: 'Demo Mining Ltd.' },
    };
    const b = {
      ...ledgerView(),
      identifiers: { inscription: 'gia  2141438171' },
      origin: { producer: 'demo mining ltd' },
    };
    expect(compare({ tracr: a, gia: b })).toEqual([]);
    const c = { ...b, identifiers: { inscription: 'GIA 2141438172' } };
    expect(only(compare({ tracr: a, gia: c }), 'identifiers.inscription')).toMatchObject({
      severity: 'critical',
    });
  });

  it('flags a pair outside the tolerance even when each value is close to a third', () => {
    const at = (minDiameterMm: number): DiamondRecord =>
      ledgerView({ measurements: { minDiameterMm, maxDiameterMm: 6.48, depthMm: 3.98 } });
    const found = only(compare({ a: at(6.44), b: at(6.47), c: at(6.5) }), 'polished.measurements');
    expect(Object.keys(found?.values ?? {})).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['kind', 'critical'],
    ['polished.shape', 'critical'],
    ['polished.clarity', 'critical'],
    ['polished.cut', 'major'],
    ['polished.polish', 'major'],
    ['polished.symmetry', 'major'],
    ['polished.fluorescence', 'minor'],
    ['origin.mine', 'minor'],
    ['lineage.parentId', 'critical'],
  ])('rates a disagreement on %s as %s', (field, severity) => {
    expect(fieldRules.find((rule) => rule.field === field)?.severity).toBe(severity);
  });

  it('finds a clarity and a finish grade that differ, each with its own severity and authority', () => {
    const found = compare({
      tracr: ledgerView({ clarity: 'SI1', polish: 'VG' }),
      gia: giaView({ polish: 'EX' }),
    });
    expect(found.map(({ field, severity, authority }) => [field, severity, authority])).toEqual([
      ['polished.clarity', 'critical', 'gia'],
      ['polished.polish', 'major', 'gia'],
    ]);
  });

  it('answers a null authority for a field no adapter claims', () => {
    const none = findMismatches(
      'tb_stone_000001',
      { tracr: ledgerView({ clarity: 'SI1' }), gia: giaView() },
      { authorityOf: authorityFromAdapters([]) },
    );
    expect(none[0]?.authority).toBeNull();
  });
});
