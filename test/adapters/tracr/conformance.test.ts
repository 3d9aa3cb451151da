/**
 * The Tracr adapter passes the shared conformance suite against the real simulator over HTTP, with blocks
 * cut on a timer so every write waits for its block as it would on a real ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tracrAdapter from '../../../src/adapters/tracr/index.js';
import type { TracrOptions } from '../../../src/adapters/tracr/client.js';
import type { TracrDiamond } from '../../../src/adapters/tracr/native.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import {
  runAdapterConformance,
  type ConformanceTarget,
  type Golden,
} from '../../../src/conformance/index.js';
import { connectAs, farSideOf, golden, startLedger } from './ledger.js';

const lossless = [
  'rough-aggregated-origin',
  'polished-child-with-lineage',
  'rough-sold-privately-and-split',
  'sample-emerald-E0510000A171',
];

const goldens: Golden<TracrDiamond>[] = [
  ...lossless.map((name) => {
    const { native, canonical } = golden(name);
    return { name, native, ...(canonical ? { canonical } : {}) };
  }),
  {
    name: 'polished-colour-letter-P-after-update',
    native: golden('polished-colour-letter-P-after-update').native,
    // The ledger's P is the canonical pair OP, which is written back as O.
    expectedLoss: ['/polished/colour', '/polished/color'],
  },
];

const diavikRough: DiamondRecord = {
  schemaVersion: '1',
  kind: 'rough',
  owner: { org: 'demo-mining' },
  identifiers: { producerRef: 'DM-CONF-0001', kpCertificate: 'CA-KP-2024-000001' },
  origin: { country: 'CA', mine: 'Diavik' },
  rough: { caratWeight: 1.207 },
};

const aggregatedParcelStone: DiamondRecord = {
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef: 'DM-CONF-0002', boxId: 'BOX-9' },
  origin: { aggregated: true },
  rough: { caratWeight: 0.875 },
};

const target: ConformanceTarget<TracrDiamond, TracrOptions> = {
  adapter: tracrAdapter,
  async start() {
    const sim = await startLedger(50);
    return {
      connect: connectAs(sim, 'demo-mining', { pageSize: 2, blockWaitMs: 10_000 }),
      farSide: farSideOf(sim),
      stop: () => sim.close(),
    };
  },
  goldens,
  writable: [diavikRough, aggregatedParcelStone],
  unwritable: [
    {
      name: 'a weight to the ten-thousandth of a carat (0.5141 ct)',
      record: { ...diavikRough, rough: { caratWeight: 0.5141 } },
      field: 'rough.caratWeight',
    },
    {
      name: 'a polished stone with no rough on the ledger to cut it from',
      record: {
        schemaVersion: '1',
        kind: 'polished',
        polished: { shape: 'oval', caratWeight: 0.7 },
      },
      field: 'lineage.parentId',
    },
    {
      name: 'a rough stone with no declared origin',
      record: { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 2.2 } },
      field: 'origin.country',
    },
    {
      name: 'a transfer of a stone another participant owns',
      record: {
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { tracrId: 'TRACR-3007A0000003' },
        extensions: { tracr: { ownerParticipantId: 'fifth-avenue-jewels' } },
      },
      // Not permitted before anything is signed: the bridge's signer does not hold the stone.
      field: 'extensions.tracr.ownerParticipantId',
    },
  ],
  unknownRef: 'TRACR-FFFFFFFFFFFF',
  // Inscriptions are searchable too, but the suite's stones are rough; the adapter's own tests cover them.
  findableBy: ['tracrId', 'producerRef', 'kpCertificate'],
  feedChanges: 5,
};

runAdapterConformance(target, { describe, it, expect, beforeAll, afterAll });
