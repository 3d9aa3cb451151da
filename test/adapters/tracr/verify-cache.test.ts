/** The ledger client's cache of verified signatures remembers only successes. */
import { describe, expect, it } from 'vitest';
import { participantKeyFromSeed } from '../../../sim/tracr/index.js';
import {
  publicKeyOf,
  readPrivateKey,
  signatureValid,
  signTransaction,
} from '../../../src/adapters/tracr/signing.js';
import type { TracrTransaction } from '../../../src/adapters/tracr/native.js';

describe('signature checks', () => {
  it('still refuses a forged signature or an altered transaction after the genuine one verified', () => {
    const privateKey = readPrivateKey(participantKeyFromSeed('tracr-sim:demo-mining').privateKey);
    const other = readPrivateKey(participantKeyFromSeed('tracr-sim:another-lab').privateKey);
    const publicKey = publicKeyOf(privateKey);
    const tx = {
      type: 'register',
      participantId: 'demo-mining',
      nonce: 'tb.verify-cache',
    } as unknown as TracrTransaction;
    const { signature } = signTransaction(tx, privateKey);
    expect(signatureValid(tx, signature, publicKey)).toBe(true);
    expect(signatureValid(tx, signature, publicKey)).toBe(true);
    expect(signatureValid(tx, signTransaction(tx, other).signature, publicKey)).toBe(false);
    expect(signatureValid({ ...tx, nonce: 'tb.altered' }, signature, publicKey)).toBe(false);
    expect(signatureValid(tx, signature, publicKeyOf(other))).toBe(false);
  });
});
