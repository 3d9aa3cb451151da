/**
 * Identifier normalisation for the CBV 2.0 event hash (rules 17 and 18): EPC URIs (`urn:epc:id:sgtin:...`)
 * become canonical GS1 Digital Link URIs, and Digital Link URIs on any domain become constrained canonical
 * ones on id.gs1.org, keeping only the finest level of identification. Anything else is left alone, so the
 * bridge's own HTTP identifiers hash as written.
 */

/** GS1 check digit (mod 10, weights 3 and 1 from the right) for a string of digits. */
export function gs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Percent-encodes a serial or lot as a Digital Link path segment: RFC 3986 unreserved characters stay. */
function segment(value: string): string {
  return encodeURIComponent(safeDecode(value)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const dl = 'https://id.gs1.org/';

/** GTIN-14 from an EPC company prefix and indicator-plus-item reference. */
function gtin(companyPrefix: string, indicatorItem: string): string {
  const body = indicatorItem.slice(0, 1) + companyPrefix + indicatorItem.slice(1);
  return body + gs1CheckDigit(body);
}

const withCheck = (body: string): string => body + gs1CheckDigit(body);

/** Each EPC scheme's fields (after the scheme name, split on dots) as a Digital Link path. */
const epcSchemes: Record<string, (fields: string[]) => string | undefined> = {
  'id:sgtin': ([cp, item, serial]) => `01/${gtin(cp!, item!)}/21/${segment(serial!)}`,
  'id:sscc': ([cp, ref]) => `00/${withCheck(ref!.slice(0, 1) + cp! + ref!.slice(1))}`,
  'id:sgln': ([cp, loc, ext]) => `414/${withCheck(cp! + loc!)}${ext === '0' ? '' : `/254/${segment(ext!)}`}`,
  'id:grai': ([cp, type, serial]) => `8003/${withCheck(`0${cp!}${type!}`)}${segment(serial!)}`,
  'id:giai': ([cp, ref]) => `8004/${cp!}${segment(ref!)}`,
  'id:gsrn': ([cp, ref]) => `8018/${withCheck(cp! + ref!)}`,
  'id:gsrnp': ([cp, ref]) => `8017/${withCheck(cp! + ref!)}`,
  'id:gdti': ([cp, type, serial]) => `253/${withCheck(cp! + type!)}${segment(serial!)}`,
  'id:sgcn': ([cp, ref, serial]) => `255/${withCheck(cp! + ref!)}${segment(serial!)}`,
  'id:pgln': ([cp, ref]) => `417/${withCheck(cp! + ref!)}`,
  'class:lgtin': ([cp, item, lot]) => `01/${gtin(cp!, item!)}/10/${segment(lot!)}`,
  'idpat:sgtin': ([cp, item]) => `01/${gtin(cp!, item!)}`,
  'idpat:grai': ([cp, type]) => `8003/${withCheck(`0${cp!}${type!}`)}`,
  'idpat:gdti': ([cp, type]) => `253/${withCheck(cp! + type!)}`,
  'idpat:sgcn': ([cp, ref]) => `255/${withCheck(cp! + ref!)}`,
};

const fieldCounts: Record<string, number> = {
  'id:sscc': 2,
  'id:giai': 2,
  'id:gsrn': 2,
  'id:gsrnp': 2,
  'id:pgln': 2,
};

/** The canonical GS1 Digital Link URI for an EPC URI, or undefined when it is not one this knows. */
export function epcToDigitalLink(uri: string): string | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(uri);
  if (!match) return undefined;
  const scheme = `${match[1]}:${match[2]}`;
  const convert = epcSchemes[scheme];
  if (!convert) return undefined;
  const fields = match[3]!.split('.');
  const expected = fieldCounts[scheme] ?? 3;
  // The company prefix is always digits; references after it may hold letters (GIAI, GDTI serials).
  if (fields.length !== expected || !/^\d+$/.test(fields[0]!)) return undefined;
  const path = convert(fields);
  return path === undefined ? undefined : dl + path;
}

/** Primary keys, with the qualifiers kept for each, finest first (CBV 2.0 rule 18 III). */
const primaryKeys: Record<string, string[][]> = {
  '00': [],
  '01': [['21'], ['10'], ['235']],
  '253': [],
  '255': [],
  '401': [],
  '402': [],
  '414': [['254']],
  '417': [],
  '8003': [],
  '8004': [],
  '8006': [['21'], ['10']],
  '8010': [['8011']],
  '8017': [],
  '8018': [],
};

/** Digital Link's short names for AIs, as printed in older or vanity URIs. */
const aliases: Record<string, string> = {
  gtin: '01',
  sscc: '00',
  gln: '414',
  party: '417',
  itip: '8006',
  grai: '8003',
  giai: '8004',
  gsrn: '8018',
  gsrnp: '8017',
  gdti: '253',
  sgcn: '255',
  ginc: '401',
  gsin: '402',
  cpid: '8010',
  ser: '21',
  lot: '10',
  cpv: '22',
  glnx: '254',
  cpsn: '8011',
};

const qualifiers = new Set(['10', '21', '22', '235', '254', '8011']);

/**
 * The constrained canonical form of a GS1 Digital Link URI (domain id.gs1.org, no query string, finest
 * level of identification only), or undefined when the URI is not a Digital Link.
 */
export function constrainDigitalLink(uri: string): string | undefined {
  if (!/^https?:\/\//.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  for (let start = 0; start < segments.length; start++) {
    const key = aliases[segments[start]!] ?? segments[start]!;
    if (!(key in primaryKeys) || (segments.length - start) % 2 !== 0) continue;
    const pairs = new Map<string, string>();
    for (let i = start; i < segments.length; i += 2) {
      const ai = aliases[segments[i]!] ?? segments[i]!;
      if (i > start && !qualifiers.has(ai)) return undefined;
      pairs.set(ai, segments[i + 1]!);
    }
    let value = pairs.get(key)!;
    if (key === '01') {
      if (!/^(\d{8}|\d{12,14})$/.test(value)) return undefined;
      value = value.padStart(14, '0');
    }
    if (key === '8006' && !/^\d{18}$/.test(value)) return undefined;
    const kept = primaryKeys[key]!.find(([q]) => pairs.has(q!));
    return `${dl}${key}/${value}${kept ? `/${kept[0]!}/${pairs.get(kept[0]!)!}` : ''}`;
  }
  return undefined;
}

/** An identifier as the event hash sees it: EPC URIs and Digital Links canonical, anything else as given. */
export function normaliseIdentifier(value: string): string {
  return epcToDigitalLink(value) ?? constrainDigitalLink(value) ?? value;
}
