/**
 * The ledger's cryptography, as its wire contract specifies it: Ed25519 signatures over the canonical JSON
 * of a transaction, SHA-256 transaction IDs, and the nonces that make a resubmission return the original.
 * Canonical JSON is the bridge's own (src/mapping/content-hash.ts): keys sorted by code unit at every level,
 * no white space, `undefined` members left out, numbers as JSON.stringify writes them: the ledger's rule.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../mapping/content-hash.js';
import { BoundedMap } from '../../bounded-map.js';
import { readPrivateKey } from '../../participants/private-key.js';
import type { TracrEnvelope, TracrTransaction } from './native.js';

export { readPrivateKey };

// Parsing a key costs more than the Ed25519 check itself, and a network has few participants.
const parsedKeys = new BoundedMap<string, KeyObject>(1_000);
// Every read of a stone re-checks the signature of the transaction that last changed it.
const verifiedSignatures = new BoundedMap<string, true>(10_000);

/** The public half as the ledger publishes it: SPKI DER, standard base64. */
export function publicKeyOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Signs `tx`: Ed25519 over the UTF-8 bytes of its canonical JSON, standard base64. */
export function signTransaction(tx: TracrTransaction, privateKey: KeyObject): TracrEnvelope {
  return { tx, signature: sign(null, Buffer.from(canonicalJson(tx), 'utf8'), privateKey).toString('base64') };
}

/**
 * Signs ledger transactions as one participant. The bridge holds one per organisation; a KMS or an HSM
 * stands in by implementing this, so the private key need never be in the bridge's memory.
 */
export interface Signer {
  /** The ledger participant the signatures are by. */
  readonly participantId: string;
  /** Its public key as the ledger publishes it (SPKI DER, standard base64), to check what committed. */
  readonly publicKey: string;
  /** An Ed25519 signature over `message`, standard base64. */
  sign(message: Buffer): Promise<string>;
}

/** A {@link Signer} over a key the bridge holds: PEM, base64 PKCS#8 DER, a 64-hex-digit seed or a KeyObject. */
export function keySigner(participantId: string, key: string | KeyObject): Signer {
  const privateKey = readPrivateKey(key);
  return {
    participantId,
    publicKey: publicKeyOf(privateKey),
    sign: (message) => Promise.resolve(sign(null, message, privateKey).toString('base64')),
  };
}

/** Signs `tx` with `signer`: over the UTF-8 bytes of its canonical JSON, as {@link signTransaction} does. */
export async function signWith(tx: TracrTransaction, signer: Signer): Promise<TracrEnvelope> {
  return { tx, signature: await signer.sign(Buffer.from(canonicalJson(tx), 'utf8')) };
}

/** Whether `signature` is a valid signature of `tx` by the holder of `publicKey` (base64 SPKI DER). */
export function signatureValid(tx: unknown, signature: string, publicKey: string): boolean {
  const message = canonicalJson(tx);
  // The same key, signature and bytes always verify the same way; only successes are kept, so a bad
  // signature is checked afresh every time and can never be remembered as good.
  const verifiedKey = `${publicKey} ${signature} ${sha256Bytes(message)}`;
  if (verifiedSignatures.get(verifiedKey) === true) return true;
  try {
    let key = parsedKeys.get(publicKey);
    if (key === undefined) {
      key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
      parsedKeys.set(publicKey, key);
    }
    const valid = verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'));
    if (valid) verifiedSignatures.set(verifiedKey, true);
    return valid;
  } catch {
    return false;
  }
}

/** A transaction's ID: hex SHA-256 of its canonical JSON. */
export function transactionId(tx: unknown): string {
  return sha256Hex(tx);
}

/** What names one act on the ledger: the step, and for a content change what it sets and on what. */
export interface LedgerAct {
  step: string;
  payload?: unknown;
  /** The ledger state a content change applies to (its last transaction); absent for once-only acts. */
  basis?: string;
}

/**
 * The nonce of one act on one stone, so that the ledger answers a resubmission with the original
 * transaction instead of writing a second one, whether the first is committed or still pending. `stone`
 * is the bridge's ID for the stone. An act a stone takes once in its life (registration, the split that
 * makes it, its polish) is named by the stone and the act alone, so editing the stone while such a write
 * is in doubt signs the same nonce again. A content change (update, grade, inscription, transfer) is
 * named by what it sets and the state it applies to: a retry of the same change is one transaction, a
 * later change (even back to earlier content) is a new one. Within the ledger's nonce alphabet and length.
 */
export function actNonce(stone: string, act: LedgerAct): string {
  const named =
    act.basis === undefined
      ? { stone, act: act.step }
      : { stone, act: act.step, sets: act.payload, basis: act.basis };
  return `tb.${sha256Hex(named).slice(0, 48)}`;
}

/** Hex SHA-256 over byte strings, for leaves and nodes of the Merkle tree. */
export function sha256Bytes(...parts: (Buffer | string)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
