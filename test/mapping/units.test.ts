import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  agreesWithGiaPrinted,
  caratsToThousandths,
  giaCaratWeight,
  hasAtMostThreeDecimals,
  roundCarats3,
  toCarats,
} from '../../src/mapping/units.js';

describe('units', () => {
  test.each([
    [0.51, 'ct', 0.51],
    [51, 'pt', 0.51],
    [0.102, 'g', 0.51],
    [102, 'mg', 0.51],
    [1, 'g', 5],
    [0.2, 'g', 1],
    [1.7, 'pt', 0.017],
    [0.12345, 'g', 0.61725],
  ] as const)('%d %s is %d ct', (value, unit, carats) => {
    expect(toCarats(value, unit)).toBe(carats);
  });

  test.each([
    [1.0005, 1.001],
    [1.005, 1.005],
    [2.675, 2.675],
    [0.1 + 0.2, 0.3],
    [1.76849, 1.768],
    [1.7685, 1.769],
    [12, 12],
  ])('roundCarats3(%d) is %d with no float artefacts', (value, rounded) => {
    expect(roundCarats3(value)).toBe(rounded);
  });

  test('thousandths are whole numbers read from the decimal form', () => {
    expect(caratsToThousandths(1.768)).toBe(1768);
    expect(caratsToThousandths(0.1 + 0.2)).toBe(300);
  });

  test('at most 3 decimals is judged on the shortest decimal form', () => {
    expect(hasAtMostThreeDecimals(1.768)).toBe(true);
    expect(hasAtMostThreeDecimals(1e-3)).toBe(true);
    expect(hasAtMostThreeDecimals(1e-4)).toBe(false);
    expect(hasAtMostThreeDecimals(0.1 + 0.2)).toBe(false);
    expect(hasAtMostThreeDecimals(Number.NaN)).toBe(false);
  });

  test.each([
    [1.768, 1.76],
    [1.769, 1.77],
    [0.999, 1],
    [1.0, 1],
    [0.505, 0.5],
    [0.509, 0.51],
    [2.009, 2.01],
    [1.7689, 1.77],
  ])('GIA reports a stone weighed at %d ct as %d ct', (weighed, reported) => {
    expect(giaCaratWeight(weighed)).toBe(reported);
  });

  test('a ledger weight agrees with the GIA weight its rule prints, and only that one', () => {
    expect(agreesWithGiaPrinted(1.768, 1.76)).toBe(true);
    expect(agreesWithGiaPrinted(1.768, 1.77)).toBe(false);
    expect(agreesWithGiaPrinted(1.769, 1.77)).toBe(true);
    expect(agreesWithGiaPrinted(0.999, 1.0)).toBe(true);
    expect(agreesWithGiaPrinted(1.76, 1.76)).toBe(true);
    expect(agreesWithGiaPrinted(1.768, 1.768)).toBe(false);
  });

  // Weights as decimals a person writes, with up to 6 decimals: every conversion and rounding must give the
  // double that the exact decimal answer, written out, reads as.
  const decimal = fc
    .record({ digits: fc.bigInt({ min: 1n, max: 10n ** 12n }), scale: fc.integer({ min: 0, max: 6 }) })
    .map(({ digits, scale }) => ({ digits, scale, value: Number(`${digits}e-${scale}`) }));
  const written = (digits: bigint, scale: number): number => Number(`${digits}e-${scale}`);

  test('a conversion is the exact decimal answer read as a number', () => {
    fc.assert(
      fc.property(decimal, ({ digits, scale, value }) => {
        expect(toCarats(value, 'ct')).toBe(value);
        // 1 pt = 1/100 ct and 1 g = 5 ct: both exact in decimals.
        expect(toCarats(value, 'pt')).toBe(written(digits, scale + 2));
        expect(toCarats(value, 'g')).toBe(written(digits * 5n, scale));
      }),
      { numRuns: 2_000 },
    );
  });

  test('rounding to thousandths is the exact decimal rounded half away from zero, read as a number', () => {
    fc.assert(
      fc.property(decimal, ({ digits, scale, value }) => {
        const thousandths =
          scale <= 3
            ? digits * 10n ** BigInt(3 - scale)
            : (digits * 2n + 10n ** BigInt(scale - 3)) / (2n * 10n ** BigInt(scale - 3));
        expect(roundCarats3(value)).toBe(written(thousandths, 3));
      }),
      { numRuns: 2_000 },
    );
  });
});
