/**
 * Reading a participant's ledger key, shared by the participants registry (which refuses a key that cannot
 * sign at start-up) and the Tracr adapter (which signs with it).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

// RFC 8410 PKCS#8 wrapper of a raw 32-byte Ed25519 seed: only the last 32 bytes vary.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Reads a participant's Ed25519 private key: a PEM block, PKCS#8 DER in base64 (the ledger's encoding), or
 * the raw 32-byte seed as 64 hex digits. Throws naming the option when it is none of them.
 */
export function readPrivateKey(key: string | KeyObject): KeyObject {
  let parsed: KeyObject | undefined;
  try {
    if (typeof key !== 'string') parsed = key;
    else if (key.includes('-----BEGIN')) parsed = createPrivateKey(key);
    else if (/^[0-9a-fA-F]{64}$/.test(key.trim()))
      parsed = pkcs8(Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(key.trim(), 'hex')]));
    else parsed = pkcs8(Buffer.from(key.trim(), 'base64'));
  } catch (error) {
    throw new TypeError(
      `[tracr] privateKey: not an Ed25519 private key (PEM, base64 PKCS#8 DER or a 64-hex-digit seed): ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (parsed.type !== 'private' || parsed.asymmetricKeyType !== 'ed25519')
    throw new TypeError(
      `[tracr] privateKey: expected an Ed25519 private key, got ${parsed.asymmetricKeyType} ${parsed.type}`,
    );
  return parsed;
}

function pkcs8(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
