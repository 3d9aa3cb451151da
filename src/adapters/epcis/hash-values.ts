/**
 * How the CBV 2.0 event hash writes single values (rules 5 to 9 and 14): trimmed text, numbers without
 * trailing zeros, timestamps in UTC at millisecond precision, CBV URNs as their web URIs. Pure functions,
 * shared by the pre-hash writer and the EPCIS transforms.
 */
import { cbvRoot } from './vocab.js';

/** CBV 1.x URN prefixes and the CBV 2.0 web vocabulary term prefixes that replace them (rule 14). */
const cbvUrns: readonly [string, string][] = [
  ['urn:epcglobal:cbv:bizstep:', 'BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'Disp-'],
  ['urn:epcglobal:cbv:btt:', 'BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'SDT-'],
  ['urn:epcglobal:cbv:er:', 'ER-'],
];

/** A CBV URN (`urn:epcglobal:cbv:bizstep:shipping`) as its web URI; anything else unchanged. */
export function cbvUrnAsWebUri(value: string): string {
  for (const [urn, term] of cbvUrns)
    if (value.startsWith(urn)) return cbvRoot + term + value.slice(urn.length);
  return value;
}

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether `value` is written as a decimal number (`1.50`, `+3`, `2e3`). */
export function isDecimal(value: string): boolean {
  return decimal.test(value);
}

/** A number without trailing zeros: integers in full digits (1000000, not 1e6), fractions in shortest form. */
export function numeric(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
}

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * `2024-03-05T12:00:00.0004+02:00` as `2024-03-05T10:00:00.000Z`: UTC, milliseconds, the fourth decimal
 * rounding half up (rules 8 and 9). A timestamp without an offset is read as UTC. Undefined when `timestamp`
 * is not one.
 */
export function utcMillis(timestamp: string): string | undefined {
  const m = rfc3339.exec(timestamp.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = m;
  // Rounded on the digits as written: binary fractions would turn .1415 into 141.4999... milliseconds.
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0')) + (Number(fraction[3] ?? '0') >= 5 ? 1 : 0);
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes =
      (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  const utc =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) +
    millis -
    offsetMinutes * 60_000;
  return Number.isNaN(utc) ? undefined : new Date(utc).toISOString();
}

/** A JSON value as trimmed text; an object where a plain value belongs still tells two such events apart. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return numeric(value);
  if (typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/** A member that may be one value or a list, as a list. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** A JSON object, or an empty one for anything else. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Case-sensitive ordering by UTF-16 code unit (rule 10), which is code-point order for what the hash sees. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
