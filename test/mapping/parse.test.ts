import { describe, expect, test } from 'vitest';
import { LossReport } from '../../src/mapping/loss.js';
import {
  parseCaratWeight,
  parseMeasurements,
  parsePercent,
  parseReportDate,
  parseTimestamp,
  weightUnitTable,
} from '../../src/mapping/parse.js';
import { mappingError } from './support.js';

describe('parseCaratWeight', () => {
  test.each([
    [0.51, 0.51],
    ['0.51 carat', 0.51],
    ['1.01 carats', 1.01],
    ['51 points', 0.51],
    ['51 pts', 0.51],
    ['0.102 g', 0.51],
    ['102 mg', 0.51],
    ['0.51ct', 0.51],
    ['1.768 ct.', 1.768],
    ['  2 CARATS ', 2],
    ['0.51', 0.51],
  ])('reads %j as %d ct', (printed, carats) => {
    expect(parseCaratWeight(printed, '/results/carat_weight')).toBe(carats);
  });

  test.each(weightUnitTable)('knows the unit word %j', (word, unit) => {
    const expected = { ct: 2, pt: 0.02, g: 10, mg: 0.01 }[unit];
    expect(parseCaratWeight(`2 ${word}`, '/w')).toBe(expected);
  });

  test('rounds a weight finer than a thousandth and records the rounding', () => {
    const loss = new LossReport();
    expect(parseCaratWeight('0.12345 g', '/weight', loss)).toBe(0.617);
    expect(loss.entries).toEqual([
      expect.objectContaining({ pointer: '/weight', kind: 'rounded', to: 0.617 }),
    ]);
  });

  test.each(['1,01 carat', 'heavy', '-1 ct', '0 ct', '1.0 lb', '', null])(
    'refuses %j, naming the field and the value',
    (printed) => {
      const error = mappingError(() => parseCaratWeight(printed, '/results/carat_weight'));
      expect([error.pointer, error.value]).toEqual(['/results/carat_weight', printed]);
    },
  );
});

describe('parseMeasurements', () => {
  test.each([
    ['6.45 - 6.48 x 3.98 mm', { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 }],
    ['6.45-6.48x3.98', { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 }],
    ['6.45 – 6.48 × 3.98 mm', { minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 }],
    ['5.29 x 3.88 x 2.61 mm', { lengthMm: 5.29, widthMm: 3.88, depthMm: 2.61 }],
    ['5.29 X 3.88 X 2.61', { lengthMm: 5.29, widthMm: 3.88, depthMm: 2.61 }],
    ['5.29×3.88×2.61mm', { lengthMm: 5.29, widthMm: 3.88, depthMm: 2.61 }],
  ])('reads %j', (printed, expected) => {
    expect(parseMeasurements(printed, '/results/measurements')).toEqual(expected);
  });

  test.each(['6.48 - 6.45 x 3.98 mm', '6.45 x 3.98 mm', '5.29 x 3.88 x 0 mm', 'round', 6.45])(
    'refuses %j, naming the field and the value',
    (printed) => {
      const error = mappingError(() => parseMeasurements(printed, '/results/measurements'));
      expect([error.pointer, error.value]).toEqual(['/results/measurements', printed]);
    },
  );
});

describe('parseReportDate', () => {
  test.each([
    ['September 01, 2019', '2019-09-01'],
    ['Sep 1, 2019', '2019-09-01'],
    ['Sept. 1, 2019', '2019-09-01'],
    ['1 September 2019', '2019-09-01'],
    ['2019-09-01', '2019-09-01'],
    ['2019-09-01T00:00:00Z', '2019-09-01'],
    ['February 29, 2020', '2020-02-29'],
    ['February 29, 2000', '2000-02-29'],
    ['April 30, 2019', '2019-04-30'],
    ['DECEMBER 31, 1999', '1999-12-31'],
  ])('reads %j as %s', (printed, iso) => {
    expect(parseReportDate(printed, '/report_date')).toBe(iso);
  });

  test.each([
    'February 30, 2019',
    'February 29, 2019',
    'February 29, 1900',
    'April 31, 2019',
    '2019-13-01',
    '09/01/2019',
    'Smarch 1, 2019',
    '',
    20190901,
  ])('refuses %j, naming the field and the value', (printed) => {
    const error = mappingError(() => parseReportDate(printed, '/report_date'));
    expect([error.pointer, error.value]).toEqual(['/report_date', printed]);
  });
});

describe('parsePercent', () => {
  test.each([
    [61.5, 61.5],
    ['61.5', 61.5],
    ['61.5%', 61.5],
    ['57 %', 57],
  ])('reads %j as %d', (printed, percent) => {
    expect(parsePercent(printed, '/proportions/depth_pct')).toBe(percent);
  });

  test.each(['101%', '-1', 'deep', null])('refuses %j, naming the field', (printed) => {
    expect(mappingError(() => parsePercent(printed, '/proportions/depth_pct')).pointer).toBe(
      '/proportions/depth_pct',
    );
  });
});

describe('parseTimestamp', () => {
  test('turns the ledger epoch milliseconds into UTC', () => {
    expect(parseTimestamp(1709285400000, '/timestamp')).toBe('2024-03-01T09:30:00.000Z');
  });

  test('keeps a date-time with its offset as given', () => {
    expect(parseTimestamp('2024-03-01T11:30:00+02:00', '/at')).toBe('2024-03-01T11:30:00+02:00');
  });

  test.each(['2024-03-01T09:30:00', '2024-02-30T09:30:00Z', 'yesterday', 1.5])('refuses %j', (value) => {
    expect(mappingError(() => parseTimestamp(value, '/at')).value).toBe(value);
  });
});
