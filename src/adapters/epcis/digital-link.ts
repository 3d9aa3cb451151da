/**
 * Identifier normalisation for the CBV 2.0 event hash (rules 17 and 18): EPC URIs (`urn:epc:id:sgtin:...`)
 * become canonical GS1 Digital Link URIs (see `epc-uri.ts`), and Digital Link URIs on any domain become
 * constrained canonical ones on id.gs1.org, keeping only the finest level of identification. Anything else
 * is left alone, so the bridge's own HTTP identifiers hash as written.
 */
import { epcToDigitalLink } from './epc-uri.js';

export { epcToDigitalLink, gs1CheckDigit } from './epc-uri.js';

const dl = 'https://id.gs1.org/';

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
