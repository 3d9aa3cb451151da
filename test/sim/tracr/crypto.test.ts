import { describe, expect, it } from 'vitest';
import { canonicalJson, participantKeyFromSeed, signTransaction } from '../../../sim/tracr/crypto.js';
import { leafHash, merklePath, merkleRoot } from '../../../sim/tracr/merkle.js';
import { canonical, leafOf, verifyMerkleProof } from './verify.js';

describe('tracr simulator: canonical JSON, keys and Merkle trees', () => {
  it('serialises objects with keys sorted at every depth and no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'é' }, skipped: undefined };
    expect(canonicalJson(value)).toBe('{"a":{"c":"é","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(value)).toBe(canonical(value));
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ caratWeight: Number.NaN })).toThrow(/NaN/);
  });

  it('derives the same key pair from the same seed and different ones from different seeds', () => {
    const a = participantKeyFromSeed('tracr-sim:demo-mining');
    expect(participantKeyFromSeed('tracr-sim:demo-mining').publicKey).toBe(a.publicKey);
    expect(participantKeyFromSeed('tracr-sim:gia-lab').publicKey).not.toBe(a.publicKey);
    const tx = { type: 'TRANSFER', payload: { to: 'x' } };
    expect(signTransaction(tx, a.privateKey)).toBe(
      signTransaction({ payload: { to: 'x' }, type: 'TRANSFER' }, a.privateKey),
    );
  });

  it('hashes a leaf exactly as the documented algorithm does', () => {
    const entry = { tx: { type: 'SPLIT', nonce: 'n' }, signature: 'c2ln', result: { states: [] } };
    expect(leafHash(entry)).toBe(leafOf(entry));
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 16, 17])('proves every leaf of a %i-leaf tree to its root', (count) => {
    const leaves = Array.from({ length: count }, (_, i) =>
      leafHash({ tx: { i }, signature: '', result: {} }),
    );
    const root = merkleRoot(leaves);
    leaves.forEach((leaf, index) => {
      expect(verifyMerkleProof({ leaf, merkleRoot: root, path: merklePath(leaves, index) })).toBe(true);
      expect(
        verifyMerkleProof({
          leaf: leaves[(index + 1) % count]!,
          merkleRoot: root,
          path: merklePath(leaves, index),
        }),
      ).toBe(count === 1);
    });
    // A committed block's leaves are frozen and its tree is kept: the kept tree proves exactly the same.
    const frozen = Object.freeze([...leaves]);
    for (let read = 0; read < 2; read++) {
      expect(merkleRoot(frozen)).toBe(root);
      leaves.forEach((_, index) => expect(merklePath(frozen, index)).toEqual(merklePath(leaves, index)));
    }
  });
});
