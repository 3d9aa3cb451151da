import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/**
 * API keys: read from configuration only, held as SHA-256 digests, compared in constant time. A key
 * belongs to a principal with one role; a producer also belongs to one organisation and sees only that
 * organisation's stones.
 */

/** What a key may do. `admin`: everything. `producer`: write and read its own org's stones. `reader`: lookups. */
export type Role = 'admin' | 'producer' | 'reader';

/** One configured key: the key itself or its SHA-256 (hex), never both. */
export interface ApiKeyConfig {
  /** Who holds the key; goes to the audit log and the rate limiter, never the key itself. */
  name: string;
  key?: string;
  /** Hex SHA-256 of the key, so the configuration need not hold the secret. */
  sha256?: string;
  role: Role;
  /** The producer's organisation (`owner.org` of its stones); required for producers. */
  org?: string;
}

/** The holder of a presented key. */
export interface Principal {
  name: string;
  role: Role;
  org?: string;
}

/** Matches presented keys against the configured ones. */
export interface Keyring {
  /** The principal holding `presented`, or null. Takes the same time whichever key, if any, matches. */
  authenticate(presented: string): Principal | null;
  /** How many keys are configured. */
  readonly size: number;
}

const roles: readonly Role[] = ['admin', 'producer', 'reader'];

/** Builds a keyring, refusing a configuration entry that is incomplete, naming the entry and the field. */
export function createKeyring(entries: readonly ApiKeyConfig[]): Keyring {
  const held = entries.map((entry, index) => {
    const at = `API key ${index} (${JSON.stringify(entry?.name)})`;
    if (typeof entry?.name !== 'string' || entry.name.trim() === '')
      throw new TypeError(`${at}: name must be a non-empty string`);
    if (!roles.includes(entry.role))
      throw new TypeError(`${at}: role ${JSON.stringify(entry.role)} must be one of ${roles.join(', ')}`);
    if (entry.role === 'producer' && (typeof entry.org !== 'string' || entry.org === ''))
      throw new TypeError(`${at}: a producer key needs org, the organisation whose stones it writes`);
    if ((entry.key === undefined) === (entry.sha256 === undefined))
      throw new TypeError(`${at}: give exactly one of key and sha256`);
    if (entry.key !== undefined && (typeof entry.key !== 'string' || entry.key.length < 8))
      throw new TypeError(`${at}: key must be a string of at least 8 characters`);
    if (entry.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(entry.sha256))
      throw new TypeError(`${at}: sha256 must be 64 hex digits`);
    const digest =
      entry.sha256 !== undefined ? Buffer.from(entry.sha256, 'hex') : sha256(entry.key as string);
    const principal: Principal = { name: entry.name, role: entry.role };
    if (entry.org !== undefined) principal.org = entry.org;
    return { digest, principal };
  });
  return {
    size: held.length,
    authenticate(presented) {
      const digest = sha256(presented);
      let found: Principal | null = null;
      // Compare against every key, so the time taken does not say which one (if any) matched.
      for (const entry of held) {
        if (timingSafeEqual(entry.digest, digest) && found === null) found = entry.principal;
      }
      return found;
    },
  };
}

/**
 * Reads key configuration: `value` is a JSON array or the path of a file holding one
 * (`TRACEBRIDGE_API_KEYS`). Undefined or empty means no keys: every protected route then answers 401.
 */
export function parseApiKeys(value: string | undefined): ApiKeyConfig[] {
  if (value === undefined || value.trim() === '') return [];
  const text = value.trim().startsWith('[') ? value : readKeyFile(value.trim());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`TRACEBRIDGE_API_KEYS is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed))
    throw new TypeError('TRACEBRIDGE_API_KEYS must be a JSON array of {name, key|sha256, role, org?}');
  return parsed as ApiKeyConfig[];
}

/** Hex SHA-256 of a key, for configuration files that should not hold the key itself. */
export function hashApiKey(key: string): string {
  return sha256(key).toString('hex');
}

function readKeyFile(path: string): string {
  if (!existsSync(path))
    throw new TypeError(`TRACEBRIDGE_API_KEYS is neither a JSON array nor an existing file: ${path}`);
  return readFileSync(path, 'utf8');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The key in an `Authorization: Bearer <key>` header, or undefined when the header is absent or malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? '');
  return match?.[1];
}
