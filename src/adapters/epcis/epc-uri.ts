/**
 * EPC URIs (`urn:epc:id:...`), EPC Class URIs (`urn:epc:class:...`) and EPC Pattern URIs
 * (`urn:epc:idpat:...`) as canonical GS1 Digital Link URIs (CBV 2.0 event hash, rule 17; GS1 Digital Link
 * URI Syntax 1.2 section 4.11). Each scheme is described by its fields: how many digits the company prefix
 * and the reference after it share, which fields hold free text, and how the Digital Link path is built.
 * A URI whose fields do not fit its scheme (wrong digit count, illegal character) is not converted: it is
 * then hashed as written, as the reference does.
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

const withCheck = (body: string): string => body + gs1CheckDigit(body);

/**
 * Characters GS1 Digital Link (table 7-1) wants percent-encoded in a path segment that an EPC URI may hold
 * unencoded. Everything the EPC URI already percent-encodes stays exactly as written.
 */
const encodedInDigitalLink: Readonly<Record<string, string>> = {
  '!': '%21',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
  '+': '%2B',
  ',': '%2C',
  ':': '%3A',
};

function segment(text: string): string {
  return text.replace(/[!()*+,:]/g, (c) => encodedInDigitalLink[c]!);
}

/** One character of an EPC URI's free text (GS1 EPC Tag Data Standard, "GS3A3" component). */
const gs3a3 = String.raw`(?:%[0-9A-Fa-f]{2}|[!')(*+,.0-9:;=A-Za-z_-])`;
/** One character of a CPI's component/part reference: digits, capitals, hyphen, or %23 %2D %2F. */
const cpiChar = String.raw`(?:%2[3dDfF]|[0-9A-Z-])`;

const text = (max: number): string => `(${gs3a3}{1,${max}})`;
const digitsUpTo = (max: number): string => String.raw`(\d{1,${max}})`;

/** GTIN-14 from a company prefix and the indicator digit plus item reference that follow it in an EPC. */
function gtin(companyPrefix: string, indicatorItem: string): string {
  return withCheck(indicatorItem.slice(0, 1) + companyPrefix + indicatorItem.slice(1));
}

interface Scheme {
  /** Total digits of company prefix plus the numeric reference after it (0: no numeric reference). */
  keyDigits: number;
  /** The pattern of what follows `companyPrefix.reference`, starting with its dot (or empty). */
  rest: string;
  /** The Digital Link path from the company prefix, the reference and the groups of `rest`. */
  path: (companyPrefix: string, reference: string, rest: string[]) => string;
}

/** Schemes whose company prefix is followed by free text rather than a fixed-length number. */
interface FreeTextScheme {
  reference: string;
  rest: string;
  path: (companyPrefix: string, reference: string, rest: string[]) => string;
}

const schemes: Readonly<Record<string, Scheme>> = {
  'id:sgtin': {
    keyDigits: 13,
    rest: String.raw`\.${text(20)}`,
    path: (cp, item, [serial]) => `01/${gtin(cp, item)}/21/${segment(serial!)}`,
  },
  'id:sscc': {
    keyDigits: 17,
    rest: '',
    path: (cp, ref) => `00/${withCheck(ref.slice(0, 1) + cp + ref.slice(1))}`,
  },
  'id:sgln': {
    keyDigits: 12,
    rest: String.raw`\.${text(20)}`,
    path: (cp, loc, [ext]) => `414/${withCheck(cp + loc)}${ext === '0' ? '' : `/254/${segment(ext!)}`}`,
  },
  'id:grai': {
    keyDigits: 12,
    rest: String.raw`\.${text(16)}`,
    path: (cp, type, [serial]) => `8003/${withCheck(`0${cp}${type}`)}${segment(serial!)}`,
  },
  'id:gsrn': { keyDigits: 17, rest: '', path: (cp, ref) => `8018/${withCheck(cp + ref)}` },
  'id:gsrnp': { keyDigits: 17, rest: '', path: (cp, ref) => `8017/${withCheck(cp + ref)}` },
  'id:gdti': {
    keyDigits: 12,
    rest: String.raw`\.${text(17)}`,
    path: (cp, type, [serial]) => `253/${withCheck(cp + type)}${segment(serial!)}`,
  },
  'id:sgcn': {
    keyDigits: 12,
    rest: String.raw`\.${digitsUpTo(12)}`,
    path: (cp, ref, [serial]) => `255/${withCheck(cp + ref)}${serial!}`,
  },
  'id:gsin': { keyDigits: 16, rest: '', path: (cp, ref) => `402/${withCheck(cp + ref)}` },
  'id:itip': {
    keyDigits: 13,
    rest: String.raw`\.(\d{2})\.(\d{2})\.${text(20)}`,
    path: (cp, item, [piece, total, serial]) =>
      `8006/${gtin(cp, item)}${piece!}${total!}/21/${segment(serial!)}`,
  },
  'id:upui': {
    keyDigits: 13,
    rest: String.raw`\.${text(28)}`,
    path: (cp, item, [tpx]) => `01/${gtin(cp, item)}/235/${segment(tpx!)}`,
  },
  'id:pgln': { keyDigits: 12, rest: '', path: (cp, ref) => `417/${withCheck(cp + ref)}` },
  'class:lgtin': {
    keyDigits: 13,
    rest: String.raw`\.${text(20)}`,
    path: (cp, item, [lot]) => `01/${gtin(cp, item)}/10/${segment(lot!)}`,
  },
  'idpat:sgtin': { keyDigits: 13, rest: String.raw`\.\*`, path: (cp, item) => `01/${gtin(cp, item)}` },
  'idpat:grai': {
    keyDigits: 12,
    rest: String.raw`\.\*`,
    path: (cp, type) => `8003/${withCheck(`0${cp}${type}`)}`,
  },
  'idpat:gdti': { keyDigits: 12, rest: String.raw`\.\*`, path: (cp, type) => `253/${withCheck(cp + type)}` },
  'idpat:sgcn': { keyDigits: 12, rest: String.raw`\.\*`, path: (cp, ref) => `255/${withCheck(cp + ref)}` },
  'idpat:itip': {
    keyDigits: 13,
    rest: String.raw`\.(\d{2})\.(\d{2})\.\*`,
    path: (cp, item, [piece, total]) => `8006/${gtin(cp, item)}${piece!}${total!}`,
  },
  'idpat:upui': { keyDigits: 13, rest: String.raw`\.\*`, path: (cp, item) => `01/${gtin(cp, item)}` },
};

/** Free-text references: their length limit counts the company prefix too (GS1 General Specifications). */
const freeTextSchemes: Readonly<Record<string, (companyPrefix: string) => FreeTextScheme>> = {
  'id:giai': (cp) => ({
    reference: `${gs3a3}{1,${30 - cp.length}}`,
    rest: '',
    path: (_, ref) => `8004/${cp}${segment(ref)}`,
  }),
  'id:ginc': (cp) => ({
    reference: `${gs3a3}{1,${30 - cp.length}}`,
    rest: '',
    path: (_, ref) => `401/${cp}${segment(ref)}`,
  }),
  'id:cpi': (cp) => ({
    reference: `${cpiChar}{1,${30 - cp.length}}`,
    rest: String.raw`\.(\d{1,12})`,
    path: (_, ref, [serial]) => `8010/${segment(cp + ref)}/8011/${serial!}`,
  }),
  'idpat:cpi': (cp) => ({
    reference: `${cpiChar}{1,${30 - cp.length}}`,
    rest: String.raw`\.\*`,
    path: (_, ref) => `8010/${segment(cp + ref)}`,
  }),
};

const digitalLinkRoot = 'https://id.gs1.org/';

/** The canonical GS1 Digital Link URI for an EPC URI, or undefined when it is not a well-formed one. */
export function epcToDigitalLink(uri: string): string | undefined {
  const head = /^urn:epc:(id|class|idpat):([a-z]+):(\d{6,12})\.(.*)$/.exec(uri);
  if (!head) return undefined;
  const [, kind, name, companyPrefix, tail] = head as unknown as [string, string, string, string, string];
  const scheme = `${kind}:${name}`;
  const fixed = schemes[scheme];
  if (fixed) {
    // The numeric reference fills what the company prefix leaves of the key's digits; a 12-digit prefix
    // of a 12-digit key leaves it empty.
    const referenceDigits = fixed.keyDigits - companyPrefix.length;
    const match = new RegExp(`^(\\d{${referenceDigits}})${fixed.rest}$`).exec(tail);
    if (!match) return undefined;
    const [, reference, ...rest] = match as unknown as [string, string, ...string[]];
    return digitalLinkRoot + fixed.path(companyPrefix, reference, rest);
  }
  const free = freeTextSchemes[scheme]?.(companyPrefix);
  if (!free) return undefined;
  const match = new RegExp(`^(${free.reference})${free.rest}$`).exec(tail);
  if (!match) return undefined;
  const [, reference, ...rest] = match as unknown as [string, string, ...string[]];
  return digitalLinkRoot + free.path(companyPrefix, reference, rest);
}
