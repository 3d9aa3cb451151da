/**
 * Parsers for values as platforms print them: weights, measurements, dates, percentages, timestamps.
 * Each takes the JSON pointer of the field it reads and throws a MappingError naming it and the value.
 */
import type { FancyMeasurements, Measurements, RoundMeasurements } from '../types/diamond.js';
import { MappingError } from './errors.js';
import type { LossReport } from './loss.js';
import { hasAtMostThreeDecimals, roundCarats3, toCarats, type WeightUnit } from './units.js';

/** Unit words as printed after a weight, each with its unit. */
export const weightUnitTable: readonly (readonly [string, WeightUnit])[] = [
  ['', 'ct'],
  ['ct', 'ct'],
  ['cts', 'ct'],
  ['carat', 'ct'],
  ['carats', 'ct'],
  ['pt', 'pt'],
  ['pts', 'pt'],
  ['point', 'pt'],
  ['points', 'pt'],
  ['g', 'g'],
  ['gram', 'g'],
  ['grams', 'g'],
  ['mg', 'mg'],
  ['milligram', 'mg'],
  ['milligrams', 'mg'],
];

const unitByWord = new Map(weightUnitTable);
const decimal = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const times = String.raw`\s*[x×*]\s*`;
// Compiled once: a feed parses these for every report it reads.
const weightPattern = new RegExp(`^${decimal}\\s*([a-z]*)\\.?$`);
const roundMeasurementsPattern = new RegExp(`^${decimal}\\s*-\\s*${decimal}${times}${decimal}$`);
const fancyMeasurementsPattern = new RegExp(`^${decimal}${times}${decimal}${times}${decimal}$`);
const percentPattern = new RegExp(`^${decimal}\\s*%?$`);

/**
 * Reads a weight and answers carats with at most 3 decimals: 0.51, "0.51 carat", "1.01 carats", "51 points",
 * "51 pts", "0.102 g", "102 mg". A bare number means carats. Decimal commas are refused rather than guessed
 * ("1,109" is a thousand carats or one). More than 3 decimals are rounded and, given a loss report, recorded.
 */
export function parseCaratWeight(value: unknown, pointer: string, loss?: LossReport): number {
  const expected = 'a weight greater than 0 such as 0.51, "0.51 carat", "51 points" or "0.102 g"';
  let amount: number | undefined;
  let unit: WeightUnit | undefined;
  if (typeof value === 'number') {
    amount = value;
    unit = 'ct';
  } else if (typeof value === 'string') {
    const match = weightPattern.exec(value.trim().toLowerCase());
    amount = match ? Number(match[1]) : undefined;
    unit = match ? unitByWord.get(match[2] ?? '') : undefined;
  }
  if (amount === undefined || unit === undefined || !Number.isFinite(amount) || amount <= 0) {
    throw new MappingError(pointer, value, expected);
  }
  const carats = toCarats(amount, unit);
  if (hasAtMostThreeDecimals(carats)) return carats;
  const rounded = roundCarats3(carats);
  loss?.rounded(
    pointer,
    value,
    rounded,
    'weight has more than 3 decimals; rounded to the thousandth of a carat',
  );
  return rounded;
}

/**
 * Reads measurements as GIA prints them: "6.45 - 6.48 x 3.98 mm" (round: minimum - maximum diameter x
 * depth) or "5.29 x 3.88 x 2.61 mm" (fancy: length x width x depth). "×", "X" and "*" all separate, the
 * dash may be an en dash, and "mm" is optional.
 */
export function parseMeasurements(value: unknown, pointer: string): Measurements {
  const expected = 'measurements such as "6.45 - 6.48 x 3.98 mm" (round) or "5.29 x 3.88 x 2.61 mm" (fancy)';
  if (typeof value !== 'string') throw new MappingError(pointer, value, expected);
  const text = value
    .trim()
    .toLowerCase()
    .replace(/[\u2012-\u2015\u2212]/g, '-')
    .replace(/\s*mm$/, '');
  const round = roundMeasurementsPattern.exec(text);
  const fancy = round ? null : fancyMeasurementsPattern.exec(text);
  const numbers = (round ?? fancy)?.slice(1, 4).map(Number);
  if (!numbers || numbers.some((n) => !(n > 0) || !hasAtMostThreeDecimals(n))) {
    throw new MappingError(pointer, value, expected);
  }
  const [first = 0, second = 0, depthMm = 0] = numbers;
  if (round) {
    if (first > second)
      throw new MappingError(pointer, value, 'the minimum diameter first: "min - max x depth"');
    return { minDiameterMm: first, maxDiameterMm: second, depthMm } satisfies RoundMeasurements;
  }
  return { lengthMm: first, widthMm: second, depthMm } satisfies FancyMeasurements;
}

/** Month names and their abbreviations, as printed dates use them. */
export const monthTable: readonly (readonly [string, number])[] = [
  ['january', 1],
  ['jan', 1],
  ['february', 2],
  ['feb', 2],
  ['march', 3],
  ['mar', 3],
  ['april', 4],
  ['apr', 4],
  ['may', 5],
  ['june', 6],
  ['jun', 6],
  ['july', 7],
  ['jul', 7],
  ['august', 8],
  ['aug', 8],
  ['september', 9],
  ['sep', 9],
  ['sept', 9],
  ['october', 10],
  ['oct', 10],
  ['november', 11],
  ['nov', 11],
  ['december', 12],
  ['dec', 12],
];

const monthByName = new Map(monthTable);

/**
 * Reads a report date and answers YYYY-MM-DD: "September 01, 2019", "Sep 1, 2019", "1 September 2019",
 * "2019-09-01" (a time after an ISO date is ignored: the report date is a calendar date). Dates that do not
 * exist ("February 30, 2019") are errors; so are "09/01/2019" and the like, whose day and month are ambiguous.
 */
export function parseReportDate(value: unknown, pointer: string): string {
  const expected = 'a date such as "September 01, 2019", "Sep 1, 2019" or "2019-09-01"';
  if (typeof value !== 'string') throw new MappingError(pointer, value, expected);
  const text = value.trim().toLowerCase();
  let parts: [year: number, month: number | undefined, day: number] | undefined;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match) parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  match ??= /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(text);
  if (match && !parts) parts = [Number(match[3]), monthByName.get(match[1] ?? ''), Number(match[2])];
  match ??= /^(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})$/.exec(text);
  if (match && !parts) parts = [Number(match[3]), monthByName.get(match[2] ?? ''), Number(match[1])];
  const [year = 0, month, day = 0] = parts ?? [];
  if (month === undefined || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new MappingError(pointer, value, expected);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Reads a percentage: 61.5, "61.5", "61.5%", "61.5 %"; it must lie between 0 and 100. */
export function parsePercent(value: unknown, pointer: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = percentPattern.exec(text);
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent >= 0 && percent <= 100))
    throw new MappingError(pointer, value, 'a percentage from 0 to 100 such as 61.5%');
  return percent;
}

/**
 * Reads a moment and answers an RFC 3339 date-time with an offset: epoch milliseconds (the ledger's style)
 * become UTC ("2024-03-01T09:30:00.000Z"); a date-time string must carry its offset and is kept as given.
 */
export function parseTimestamp(value: unknown, pointer: string): string {
  const expected = 'epoch milliseconds or a date-time with an offset such as 2024-03-01T09:30:00Z';
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  if (typeof value === 'string') {
    const match =
      /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i.exec(
        value,
      );
    const [, year = 0, month = 0, day = 0] = match?.map(Number) ?? [];
    if (match && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return value;
  }
  throw new MappingError(pointer, value, expected);
}

/**
 * Whether `text` is a calendar date as RFC 3339 writes one ("2019-09-01", a real day of its month), read by
 * character codes: the canonical schema's `date` format, which every grading's report date goes through.
 */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-') return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// The number the ASCII digits from `start` to `end` spell, or -1 when one is not a digit.
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// The proleptic Gregorian calendar, as RFC 3339 dates (and the schema's `date` format) count it.
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
