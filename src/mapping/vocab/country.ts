import { MappingError } from '../errors.js';
import { countryTable } from './country-table.js';
import { vocabKey } from './table.js';

export { countryTable } from './country-table.js';

/** Informal and former names the trade still prints, each with its alpha-2 code. */
export const countryAliases: readonly (readonly [string, string])[] = [
  ['DRC', 'CD'],
  ['DR Congo', 'CD'],
  ['Democratic Republic of Congo', 'CD'],
  ['Congo-Kinshasa', 'CD'],
  ['Zaire', 'CD'],
  ['Republic of Congo', 'CG'],
  ['Congo-Brazzaville', 'CG'],
  ['Russia', 'RU'],
  ['USA', 'US'],
  ['U.S.A.', 'US'],
  ['UK', 'GB'],
  ['Great Britain', 'GB'],
  ['Britain', 'GB'],
  ['Ivory Coast', 'CI'],
  ['Swaziland', 'SZ'],
  ['Czech Republic', 'CZ'],
  ['Turkey', 'TR'],
  ['Macedonia', 'MK'],
  ['Cape Verde', 'CV'],
  ['Holland', 'NL'],
  ['Burma', 'MM'],
  ['East Timor', 'TL'],
  ['UAE', 'AE'],
  ['Brunei', 'BN'],
  ['Vatican', 'VA'],
  ['The Gambia', 'GM'],
  ['The Bahamas', 'BS'],
];

/** Printed forms meaning the platform knows only that the origin is aggregated (mixed parcels). */
export const aggregatedOriginTable: readonly string[] = [
  'Aggregated',
  'Aggregated Origin',
  'Mixed',
  'Mixed Origin',
  'Mixed Origins',
];

/** A parsed origin country: an ISO 3166-1 alpha-2 code, or the statement that the origin is aggregated. */
export type ParsedCountry = { country: string } | { aggregated: true };

const byKey = new Map<string, string>();
const names = new Map<string, string>();
for (const [alpha2, alpha3, name, ...aliases] of countryTable) {
  names.set(alpha2, name);
  for (const form of [alpha2, alpha3, name, ...aliases]) addForm(form, alpha2);
}
for (const [form, alpha2] of countryAliases) addForm(form, alpha2);
const aggregatedKeys = new Set(aggregatedOriginTable.map(vocabKey));

/**
 * Reads a country as platforms print it: alpha-2 ("BW"), alpha-3 ("BWA"), English name ("Botswana",
 * "Côte d'Ivoire") or a common alias ("DRC", "Russia"). "AGGREGATED" or "Mixed" answers `{aggregated: true}`.
 */
export function parseCountry(value: unknown, pointer: string): ParsedCountry {
  if (typeof value === 'string') {
    const key = vocabKey(value);
    if (aggregatedKeys.has(key)) return { aggregated: true };
    const country = byKey.get(key);
    if (country !== undefined) return { country };
  }
  throw new MappingError(
    pointer,
    value,
    'a country as an ISO 3166-1 code or English name, e.g. BW, BWA or Botswana',
  );
}

/** The English name of an alpha-2 code ("CD" -> "Democratic Republic of the Congo"); throws on unknown codes. */
export function countryName(alpha2: string): string {
  const name = names.get(alpha2);
  if (name === undefined) throw new MappingError('', alpha2, 'an ISO 3166-1 alpha-2 country code');
  return name;
}

/** Whether a string is an assigned ISO 3166-1 alpha-2 code, in capitals ("BW", not "bw"). */
export function isCountryCode(value: string): boolean {
  return names.has(value);
}

function addForm(form: string, alpha2: string): void {
  const key = vocabKey(form);
  const existing = byKey.get(key);
  if (existing !== undefined && existing !== alpha2) {
    throw new Error(`country table: "${form}" means both ${existing} and ${alpha2}`);
  }
  byKey.set(key, alpha2);
}
