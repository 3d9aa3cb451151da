/**
 * The ledger signers of the participants registry: one per organisation whose `tracr` entry gives a key
 * (inline or in a file), and the one-organisation shorthand (`TRACR_PARTICIPANT_ID`, `TRACR_PRIVATE_KEY`)
 * for every organisation without a `tracr` entry. An organisation whose entry names a participant but no
 * key has no signer: its acts on the ledger are "not permitted", never signed as someone else. A KMS or an
 * HSM stands in by handing the Tracr client its own `LedgerSigners` instead.
 */
import { readFileSync } from 'node:fs';
import type { LedgerSigners } from './acts.js';
import { keySigner, type Signer } from './signing.js';
import type { LedgerShorthand, OrgEntry } from '../../participants/registry.js';

/** The signers of `entries` and `shorthand`; undefined when there is none (a ledger the bridge only reads). */
export function ledgerSigners(
  entries: readonly OrgEntry[],
  shorthand: LedgerShorthand = {},
): LedgerSigners | undefined {
  const { participantId, privateKey } = shorthand;
  const fallback =
    participantId === undefined || privateKey === undefined
      ? undefined
      : keySigner(participantId, privateKey);
  const byOrg = new Map<string, Signer>();
  const listed = new Set<string>();
  for (const { org, tracr } of entries) {
    if (tracr === undefined) continue;
    listed.add(org);
    // The registry checked both at start-up; the file is read once, here.
    const key = tracr.privateKey ?? (tracr.privateKeyFile && readFileSync(tracr.privateKeyFile, 'utf8'));
    if (key) byOrg.set(org, keySigner(tracr.participantId, key.trim()));
    // An entry naming the shorthand's participant without a key of its own signs with the shorthand's key.
    else if (fallback?.participantId === tracr.participantId) byOrg.set(org, fallback);
  }
  const all = [...byOrg.values(), ...(fallback ? [fallback] : [])];
  if (all.length === 0) return undefined;
  return {
    forOrg: (org) => (org !== undefined && listed.has(org) ? byOrg.get(org) : fallback),
    all,
  };
}
