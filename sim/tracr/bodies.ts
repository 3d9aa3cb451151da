import type { KeyObject } from 'node:crypto';
import { canonicalJson, parsePublicKey, sha256Hex } from './crypto.js';
import {
  LedgerError,
  TRANSACTION_TYPES,
  type Participant,
  type SignedTransaction,
  type Transaction,
} from './model.js';
import { invalid, record, text } from './validate.js';

const ROLES: readonly string[] = ['producer', 'manufacturer', 'lab', 'retailer'];

/** Reads an operator's `POST /admin/participants` body: the participant and its parsed public key. */
export function readParticipant(input: unknown): { participant: Participant; key: KeyObject } {
  const body = record(input, '', ['participantId', 'org', 'role', 'publicKey', 'approved']);
  const participantId = text(body, 'participantId', '', { pattern: /^[a-z0-9][a-z0-9-]{1,63}$/ })!;
  const role = body['role'];
  if (typeof role !== 'string' || !ROLES.includes(role)) invalid('role', role, `one of ${ROLES.join(', ')}`);
  const publicKey = text(body, 'publicKey', '', { max: 512 })!;
  let key: KeyObject;
  try {
    key = parsePublicKey(publicKey);
  } catch (error) {
    const message = `publicKey: not a base64 SPKI DER Ed25519 key (${(error as Error).message})`;
    throw new LedgerError(400, 'INVALID_FIELD', message, 'publicKey');
  }
  const approved = body['approved'] ?? true;
  if (typeof approved !== 'boolean') invalid('approved', approved, 'true or false');
  const org = text(body, 'org', '')!;
  return { participant: { participantId, org, role: role as Participant['role'], publicKey, approved }, key };
}

/**
 * Reads a submitted `{tx, signature, privateData?}` envelope: the shape of the signed transaction and, when
 * plain private values are sent, that they match the hashes the transaction commits to. What the payload
 * means is checked later, against the ledger's state.
 */
export function readSubmission(body: unknown): SignedTransaction {
  const envelope = record(body, '', ['tx', 'signature', 'privateData']);
  const tx = record(envelope['tx'], 'tx', ['type', 'participantId', 'nonce', 'timestamp', 'payload']);
  const type = tx['type'];
  if (typeof type !== 'string' || !(TRANSACTION_TYPES as readonly string[]).includes(type)) {
    invalid('tx.type', type, `one of ${TRANSACTION_TYPES.join(', ')}`);
  }
  const timestamp = tx['timestamp'];
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) {
    invalid('tx.timestamp', timestamp, 'epoch milliseconds (a positive integer)');
  }
  const signed: SignedTransaction = {
    tx: {
      type: type as Transaction['type'],
      participantId: text(tx, 'participantId', 'tx', { max: 64 })!,
      nonce: text(tx, 'nonce', 'tx', { pattern: /^[A-Za-z0-9._:-]{1,128}$/ })!,
      timestamp,
      payload: record(tx['payload'], 'tx.payload'),
    },
    signature: text(envelope, 'signature', '', { max: 128 })!,
  };
  if (envelope['privateData'] !== undefined) {
    const privateData = record(envelope['privateData'], 'privateData', ['price']);
    const price = record(privateData['price'], 'privateData.price', ['amount', 'currency', 'salt']);
    const amount = price['amount'];
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      invalid('privateData.price.amount', amount, 'a number of 0 or more');
    }
    const data = {
      amount,
      currency: text(price, 'currency', 'privateData.price', { pattern: /^[A-Z]{3}$/ })!,
      salt: text(price, 'salt', 'privateData.price', { pattern: /^[A-Za-z0-9_-]{16,128}$/ })!,
    };
    const committed = signed.tx.payload['priceHash'];
    if (committed !== sha256Hex(canonicalJson(data))) {
      invalid(
        'privateData.price',
        data,
        `the price committed to by tx.payload.priceHash (${String(committed)})`,
      );
    }
    signed.privateData = { price: data };
  }
  return signed;
}
