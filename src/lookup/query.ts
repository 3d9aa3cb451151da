import { LOOKUP_KEYS, LookupQueryError, type LookupKey, type LookupQuery } from './types.js';

/**
 * Reads a lookup query from URL parameters: exactly one of the lookup identifiers, given once, non-empty.
 * Anything else names the parameter at fault.
 */
export function parseLookupQuery(params: Readonly<Record<string, unknown>>): LookupQuery {
  const unknown = Object.keys(params).filter((name) => !(LOOKUP_KEYS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new LookupQueryError(
      unknown[0] as string,
      `unknown query parameter ${JSON.stringify(unknown[0])}; look up by exactly one of ${LOOKUP_KEYS.join(', ')}`,
    );
  }
  const given = LOOKUP_KEYS.filter((name) => params[name] !== undefined);
  if (given.length !== 1) {
    throw new LookupQueryError(
      given[1] ?? LOOKUP_KEYS.join('|'),
      given.length === 0
        ? `give one of ${LOOKUP_KEYS.join(', ')}`
        : `give exactly one of ${LOOKUP_KEYS.join(', ')}, not ${given.join(' and ')}`,
    );
  }
  const name = given[0] as LookupKey;
  const value = params[name];
  if (typeof value !== 'string') throw new LookupQueryError(name, `${name} must be given once`);
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 128) {
    throw new LookupQueryError(name, `${name} must be 1 to 128 characters, got ${JSON.stringify(value)}`);
  }
  if (name === 'giaReportNumber' && !/^[0-9]{5,12}$/.test(trimmed)) {
    throw new LookupQueryError(name, `giaReportNumber must be 5 to 12 digits, got ${JSON.stringify(value)}`);
  }
  if (name === 'id' && !/^tb_[0-9A-Za-z_-]{6,64}$/.test(trimmed)) {
    throw new LookupQueryError(
      name,
      `id must be a bridge ID such as tb_01HV8Z3K4M..., got ${JSON.stringify(value)}`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f{}]/.test(trimmed)) {
    throw new LookupQueryError(name, `${name} must not contain control characters or braces`);
  }
  return { name, value: trimmed };
}
