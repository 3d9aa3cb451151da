import { LedgerError, TRACR_DIAMOND_ID, type Grading, type PolishedAttributes } from './model.js';

/** Tracr-native vocabularies: upper-case words, as the ledger stores them. */
export const vocabulary = {
  shape:
    'ROUND PRINCESS CUSHION OVAL EMERALD ASSCHER RADIANT PEAR MARQUISE HEART BAGUETTE TRILLIANT OTHER'.split(
      ' ',
    ),
  colour: 'D E F G H I J K L M N O P Q R S T U V W X Y Z'.split(' '),
  fancyIntensity:
    'FAINT VERY_LIGHT LIGHT FANCY_LIGHT FANCY FANCY_INTENSE FANCY_VIVID FANCY_DEEP FANCY_DARK'.split(' '),
  clarity: 'FL IF VVS1 VVS2 VS1 VS2 SI1 SI2 I1 I2 I3'.split(' '),
  finish: 'EXCELLENT VERY_GOOD GOOD FAIR POOR'.split(' '),
  fluorescence: 'NONE FAINT MEDIUM STRONG VERY_STRONG'.split(' '),
};

type Obj = Record<string, unknown>;

/** Options of one text field. */
interface TextRule {
  pattern?: RegExp;
  max?: number;
  optional?: boolean;
}

const HASH = /^[0-9a-f]{64}$/;
const WORD = /^[A-Z][A-Z_]{0,39}$/;
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// Region codes Intl knows that are not countries a stone can come from.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ']);

/** Throws the 400 for a field that is missing or not what was expected. */
export function invalid(field: string, value: unknown, expected: string): never {
  const message =
    value === undefined
      ? `${field} is required (${expected})`
      : `${field}: ${JSON.stringify(value)} is not ${expected}`;
  throw new LedgerError(400, 'INVALID_FIELD', message, field, value);
}

/** The value as a plain object whose keys are all in `allowed`. */
export function record(value: unknown, field: string, allowed?: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(field || 'body', value, 'an object');
  for (const key of Object.keys(value)) {
    if (allowed && !allowed.includes(key)) {
      const name = field ? `${field}.${key}` : key;
      throw new LedgerError(400, 'UNKNOWN_FIELD', `${name} is not a known field here`, name);
    }
  }
  return value as Obj;
}

/** A non-empty string field; `undefined` when optional and absent. */
export function text(obj: Obj, key: string, path: string, rule: TextRule = {}): string | undefined {
  const value = obj[key];
  if (value === undefined && rule.optional) return undefined;
  const field = path ? `${path}.${key}` : key;
  const max = rule.max ?? 128;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    invalid(field, value, `a non-empty string of at most ${max} characters`);
  }
  if (rule.pattern && !rule.pattern.test(value))
    invalid(field, value, `a string matching ${String(rule.pattern)}`);
  return value;
}

function oneOf(obj: Obj, key: string, path: string, values: readonly string[]): string {
  const value = obj[key];
  if (typeof value !== 'string' || !values.includes(value))
    invalid(`${path}.${key}`, value, `one of ${values.join(', ')}`);
  return value;
}

function decimal(obj: Obj, key: string, path: string, places: number, max: number): number {
  const value = obj[key];
  if (typeof value !== 'number' || !(value > 0) || value > max || Number(value.toFixed(places)) !== value) {
    invalid(`${path}.${key}`, value, `a positive number of at most ${max} with at most ${places} decimals`);
  }
  return value;
}

/** Carats, positive, at most 3 decimals: the ledger never stores a weight finer than the scale reads. */
export function carats(obj: Obj, key: string, path: string): number {
  return decimal(obj, key, path, 3, 100_000);
}

/** A stone's Tracr ID field. */
export function diamondIdOf(obj: Obj, path: string): string {
  return text(obj, 'diamondId', path, { pattern: TRACR_DIAMOND_ID })!;
}

/** ISO 3166-1 alpha-2, or AGGREGATED for a parcel mixed from several countries. */
export function sourceCountry(obj: Obj, path: string): string {
  const value = obj['sourceCountry'];
  const known = typeof value === 'string' && /^[A-Z]{2}$/.test(value) && !NOT_COUNTRIES.has(value);
  if (value !== 'AGGREGATED' && !(known && regions.of(value) !== undefined)) {
    invalid(`${path}.sourceCountry`, value, 'an ISO 3166-1 alpha-2 country code or AGGREGATED');
  }
  return value;
}

/** A price commitment: sha256 hex of the canonical price data. */
export function priceHash(obj: Obj, path: string): string | undefined {
  return text(obj, 'priceHash', path, { pattern: HASH, optional: true });
}

/** Optional free-text identifiers a producer declares for a rough. */
export const DECLARED_TEXT = ['mine', 'producerRef', 'kpCertificate', 'boxId'] as const;

/** A grading a lab attaches. */
export function grading(payload: Obj, path: string): Grading {
  const reportDate = text(payload, 'reportDate', path, { pattern: /^\d{4}-\d{2}-\d{2}$/ })!;
  const parsed = Date.parse(`${reportDate}T00:00:00Z`);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== reportDate) {
    invalid(`${path}.reportDate`, reportDate, 'a calendar date YYYY-MM-DD');
  }
  const reportType = text(payload, 'reportType', path, { optional: true, max: 64 });
  return {
    lab: text(payload, 'lab', path, { max: 64 })!,
    reportNumber: text(payload, 'reportNumber', path, { pattern: /^[A-Za-z0-9-]{1,32}$/ })!,
    reportDate,
    ...(reportType === undefined ? {} : { reportType }),
  };
}

/** The keys a POLISH payload (besides diamondId) or an UPDATE's `set.polished` may carry. */
export const polishedKeys: readonly string[] =
  'shape caratWeight colour fancyColour clarity cut polish symmetry fluorescence measurements'.split(' ');

/**
 * Polished attributes from `obj`. With `partial`, only the keys present are read (an UPDATE's corrections);
 * `cut: null` then clears the cut grade.
 */
export function polishedAttributes(obj: Obj, path: string, partial = false): Partial<PolishedAttributes> {
  const out: { [K in keyof PolishedAttributes]?: PolishedAttributes[K] | null } = {};
  const has = (key: string): boolean => !partial || obj[key] !== undefined;
  if (has('shape')) out.shape = oneOf(obj, 'shape', path, vocabulary.shape);
  if (has('caratWeight')) out.caratWeight = carats(obj, 'caratWeight', path);
  if (obj['colour'] !== undefined && obj['fancyColour'] !== undefined) {
    invalid(`${path}.fancyColour`, obj['fancyColour'], 'allowed beside colour (give one of them)');
  }
  if (obj['fancyColour'] !== undefined) {
    const fancy = record(obj['fancyColour'], `${path}.fancyColour`, ['intensity', 'hue']);
    out.fancyColour = {
      intensity: oneOf(fancy, 'intensity', `${path}.fancyColour`, vocabulary.fancyIntensity),
      hue: text(fancy, 'hue', `${path}.fancyColour`, { pattern: WORD })!,
    };
  } else if (has('colour')) out.colour = oneOf(obj, 'colour', path, vocabulary.colour);
  if (has('clarity')) out.clarity = oneOf(obj, 'clarity', path, vocabulary.clarity);
  if (partial && obj['cut'] === null) out.cut = null;
  else if (obj['cut'] !== undefined) out.cut = oneOf(obj, 'cut', path, vocabulary.finish);
  if (has('polish')) out.polish = oneOf(obj, 'polish', path, vocabulary.finish);
  if (has('symmetry')) out.symmetry = oneOf(obj, 'symmetry', path, vocabulary.finish);
  if (has('fluorescence')) {
    const field = `${path}.fluorescence`;
    const fluorescence = record(obj['fluorescence'], field, ['intensity', 'colour']);
    const colour = text(fluorescence, 'colour', field, { pattern: WORD, optional: true });
    out.fluorescence = {
      intensity: oneOf(fluorescence, 'intensity', field, vocabulary.fluorescence),
      ...(colour === undefined ? {} : { colour }),
    };
  }
  if (has('measurements')) {
    const field = `${path}.measurements`;
    const m = record(obj['measurements'], field, ['lengthMm', 'widthMm', 'depthMm']);
    const measurements = {
      lengthMm: decimal(m, 'lengthMm', field, 2, 100),
      widthMm: decimal(m, 'widthMm', field, 2, 100),
      depthMm: decimal(m, 'depthMm', field, 2, 100),
    };
    if (measurements.widthMm > measurements.lengthMm) {
      invalid(`${field}.widthMm`, measurements.widthMm, `at most lengthMm (${measurements.lengthMm})`);
    }
    out.measurements = measurements;
  }
  return out as Partial<PolishedAttributes>;
}
