import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The one serialisation every hash and signature on the ledger is taken over: object keys sorted
 * recursively (JavaScript's default string order), no whitespace, keys whose value is `undefined` left out.
 * Two nodes must produce the same bytes for the same value, whatever order the client wrote the keys in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A participant's key pair; `publicKey` is the SPKI DER encoding in standard base64, as the ledger stores it. */
export interface ParticipantKey {
  privateKey: KeyObject;
  publicKey: string;
}

// PKCS#8 wrapper for a raw 32-byte Ed25519 seed (RFC 8410): only the last 32 bytes vary.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The Ed25519 key pair whose private seed is sha256(seed). Sample participants sign with keys derived this
 * way so the demo and tests can act as them without any key files.
 */
export function participantKeyFromSeed(seed: string): ParticipantKey {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, createHash('sha256').update(seed).digest()]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, publicKey };
}

/** The Ed25519 signature (standard base64) over the UTF-8 bytes of `canonicalJson(tx)`. */
export function signTransaction(tx: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(tx), 'utf8'), privateKey).toString('base64');
}

/** Parses a base64 SPKI DER Ed25519 public key; throws when the text is not one. */
export function parsePublicKey(publicKey: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`not an Ed25519 key: ${key.asymmetricKeyType}`);
  return key;
}

/** True when `signature` is `tx`'s valid signature by `publicKey`; false for any malformed input. */
export function verifyTransaction(tx: unknown, signature: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(tx), 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The hash a transaction commits to for a private price: sha256 hex of canonicalJson({amount, currency, salt}). */
export function priceCommitment(price: { amount: number; currency: string; salt: string }): string {
  return sha256Hex(canonicalJson(price));
}
