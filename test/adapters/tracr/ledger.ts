/**
 * The Tracr-style simulator for the adapter's tests: started on port 0, signing keys for its sample
 * participants, and its far side (operator routes) to count what actually committed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Faults } from '../../../sim/shared/faults.js';
import {
  participantKeyFromSeed,
  signTransaction,
  startTracrSimulator,
  type RunningTracrSimulator,
} from '../../../sim/tracr/index.js';
import type { TracrOptions } from '../../../src/adapters/tracr/client.js';
import type { TracrDiamond } from '../../../src/adapters/tracr/native.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import type { FarSide } from '../../../src/conformance/index.js';

/** The API key the test simulators take. */
export const API_KEY = 'tracr-adapter-test-key';

/** A sample participant's private key in the ledger's encoding: PKCS#8 DER, standard base64. */
export function sampleKey(participantId: string): string {
  return participantKeyFromSeed(`tracr-sim:${participantId}`)
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
}

/** Connection options for signing as `participantId` against `sim`. */
export function connectAs(
  sim: { url: string },
  participantId: string,
  extra: Partial<TracrOptions> = {},
): TracrOptions {
  return { url: sim.url, apiKey: API_KEY, participantId, privateKey: sampleKey(participantId), ...extra };
}

/** Starts a simulator; interval 0 commits each submission before answering. */
export function startLedger(blockIntervalMs = 0): Promise<RunningTracrSimulator> {
  return startTracrSimulator({ apiKey: API_KEY, blockIntervalMs });
}

/** What `GET /admin/state` counts. */
export interface LedgerCounts {
  committedTransactions: number;
  committedByType: Record<string, number>;
  committedByDiamond: Record<string, number>;
}

/** The ledger's own counts of committed transactions. */
export async function counts(sim: { url: string }): Promise<LedgerCounts> {
  return (await (await fetch(`${sim.url}/admin/state`)).json()) as LedgerCounts;
}

/** POSTs to an operator route and fails the test on an error answer. */
export async function admin(sim: { url: string }, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Signs and submits one transaction as a sample participant, then cuts a block so it is committed. */
export async function commitAs(
  sim: { url: string },
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
): Promise<{ diamondId: string; txId: string }> {
  const tx = { type, participantId, nonce: `test-${++nonces}-${Date.now()}`, timestamp: Date.now(), payload };
  const signature = signTransaction(tx, participantKeyFromSeed(`tracr-sim:${participantId}`).privateKey);
  const response = await fetch(`${sim.url}/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: API_KEY },
    body: JSON.stringify({ tx, signature }),
  });
  const body = (await response.json()) as { diamondId: string; txId: string };
  if (response.status !== 202) throw new Error(`${type} refused: ${JSON.stringify(body)}`);
  await admin(sim, '/admin/blocks');
  return body;
}
let nonces = 0;

/** The stone as the ledger serves it, without its proof; null when it holds none. */
export async function readStone(sim: { url: string }, diamondId: string): Promise<TracrDiamond | null> {
  const response = await fetch(`${sim.url}/v1/diamonds/${diamondId}`, {
    headers: { authorization: API_KEY },
  });
  if (response.status === 404) return null;
  const { proof: _proof, ...stone } = (await response.json()) as TracrDiamond & { proof: unknown };
  return stone;
}

/** The far side the conformance suite reads: counts since the last reset, so the seeded history is not counted. */
export function farSideOf(sim: RunningTracrSimulator): FarSide<TracrDiamond> {
  let baseline: LedgerCounts | undefined;
  let changes = 0;
  const since = async (): Promise<{ now: LedgerCounts; base: LedgerCounts }> => {
    baseline ??= await counts(sim);
    return { now: await counts(sim), base: baseline };
  };
  return {
    async committedWrites(ref) {
      const { now, base } = await since();
      if (ref === undefined) return now.committedTransactions - base.committedTransactions;
      return (now.committedByDiamond[ref] ?? 0) - (base.committedByDiamond[ref] ?? 0);
    },
    readNative: (ref) => readStone(sim, ref),
    async setFaults(faults: Partial<Faults>) {
      await admin(sim, '/admin/faults', faults);
    },
    async makeChange(ref) {
      const n = ++changes;
      // As other participants would: a producer registers a new rough, or the owner corrects a box number.
      if (ref !== undefined) {
        const stone = await readStone(sim, ref);
        const owner = stone?.owner?.participantId;
        if (owner) {
          await commitAs(sim, owner, 'UPDATE', { diamondId: ref, set: { boxId: `BOX-FEED-${n}` } });
          return ref;
        }
      }
      const payload = {
        caratWeight: 1 + n / 1000,
        sourceCountry: 'BW',
        producerRef: `KM-FEED-${n}`,
        kpCertificate: `BW-KP-FEED-${n}`,
      };
      return (await commitAs(sim, 'kalahari-mining', 'REGISTER_ROUGH', payload)).diamondId;
    },
    async reset() {
      await admin(sim, '/admin/reset');
      baseline = await counts(sim);
    },
  };
}

const fixtures = fileURLToPath(new URL('../../fixtures/tracr/', import.meta.url));

/** A golden pair: the stone as the ledger serves it and its checked-in canonical record. */
export function golden(name: string): { native: TracrDiamond; canonical: DiamondRecord | undefined } {
  const read = (file: string): unknown => JSON.parse(readFileSync(`${fixtures}${file}`, 'utf8'));
  let canonical: DiamondRecord | undefined;
  try {
    canonical = read(`${name}.canonical.json`) as DiamondRecord;
  } catch {
    canonical = undefined;
  }
  return { native: read(`${name}.native.json`) as TracrDiamond, canonical };
}
