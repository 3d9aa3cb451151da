import { participantKeyFromSeed, priceCommitment, signTransaction } from './crypto.js';
import type { TracrLedger } from './ledger.js';
import type { ParticipantRole, PriceData, Transaction } from './model.js';

/** A sample participant; its key is `participantKeyFromSeed(seed)`, so anyone can sign as it in the sandbox. */
export interface SampleParticipant {
  participantId: string;
  org: string;
  role: ParticipantRole;
  approved: boolean;
  seed: string;
}

const member = (
  participantId: string,
  org: string,
  role: ParticipantRole,
  approved = true,
): SampleParticipant => ({
  participantId,
  org,
  role,
  approved,
  seed: `tracr-sim:${participantId}`,
});

/** The sandbox network's members. `unvetted-trading` applied but was never approved. */
export const sampleParticipants: readonly SampleParticipant[] = [
  member('kalahari-mining', 'Kalahari Mining Co.', 'producer'),
  member('demo-mining', 'Demo Mining Ltd', 'producer'),
  member('antwerp-cutting', 'Antwerp Cutting Works', 'manufacturer'),
  member('gia-lab', 'GIA', 'lab'),
  member('fifth-avenue-jewels', 'Fifth Avenue Jewels', 'retailer'),
  member('unvetted-trading', 'Unvetted Trading', 'retailer', false),
];

/** Tracr IDs of the sample stones; `emeraldE051` is the stone GIA report 2141438171 grades. */
export const sampleIds = {
  kalahariRough: 'TRACR-2150A0000001',
  aggregatedRough: 'TRACR-1234A0000002',
  diavikRough: 'TRACR-3007A0000003',
  southAfricanRough: 'TRACR-0985A0000004',
  roundG060: 'TRACR-0720C0000001',
  emeraldE051: 'TRACR-E0510000A171',
  plannedPart: 'TRACR-0410C0000003',
} as const;

/** Plain prices behind the sample sales' hashes (a real node keeps these off-chain). */
export const samplePrices = {
  kalahariRoughRegistered: { amount: 41_500, currency: 'USD', salt: 'kalahari-rough-0001-salt' },
  kalahariRoughSold: { amount: 48_200, currency: 'USD', salt: 'kalahari-rough-sale-salt' },
  emeraldSold: { amount: 3_150, currency: 'USD', salt: 'emerald-e051-retail-salt' },
} satisfies Record<string, PriceData>;

/** One sample transaction, its pinned stone IDs and the private price it commits to. */
interface SampleStep {
  at: string;
  by: string;
  type: Transaction['type'];
  payload: Record<string, unknown>;
  ids?: string[];
  price?: PriceData;
}

const {
  kalahariRough,
  aggregatedRough,
  diavikRough,
  southAfricanRough,
  roundG060,
  emeraldE051,
  plannedPart,
} = sampleIds;

/** The sample history, oldest first: each step is committed in its own block at its own time. */
export const sampleSteps: readonly SampleStep[] = [
  {
    at: '2019-03-04T09:00:00Z',
    by: 'kalahari-mining',
    type: 'REGISTER_ROUGH',
    payload: {
      caratWeight: 2.15,
      sourceCountry: 'BW',
      mine: 'Jwaneng',
      producerRef: 'KM-2019-0001',
      kpCertificate: 'BW-KP-2019-001234',
      boxId: 'BOX-17',
    },
    ids: [kalahariRough],
    price: samplePrices.kalahariRoughRegistered,
  },
  {
    at: '2019-03-05T09:00:00Z',
    by: 'kalahari-mining',
    type: 'REGISTER_ROUGH',
    payload: { caratWeight: 1.234, sourceCountry: 'AGGREGATED', producerRef: 'KM-2019-0002' },
    ids: [aggregatedRough],
  },
  {
    at: '2019-03-06T09:00:00Z',
    by: 'demo-mining',
    type: 'REGISTER_ROUGH',
    payload: { caratWeight: 3.007, sourceCountry: 'CA', mine: 'Diavik', producerRef: 'DM-0001' },
    ids: [diavikRough],
  },
  {
    at: '2019-03-07T09:00:00Z',
    by: 'demo-mining',
    type: 'REGISTER_ROUGH',
    payload: {
      caratWeight: 0.985,
      sourceCountry: 'ZA',
      producerRef: 'DM-0002',
      kpCertificate: 'ZA-KP-2019-000777',
    },
    ids: [southAfricanRough],
  },
  {
    at: '2019-04-02T14:00:00Z',
    by: 'kalahari-mining',
    type: 'SELL',
    payload: { diamondId: kalahariRough, to: 'antwerp-cutting' },
    price: samplePrices.kalahariRoughSold,
  },
  {
    at: '2019-04-03T14:00:00Z',
    by: 'demo-mining',
    type: 'TRANSFER',
    payload: { diamondId: diavikRough, to: 'antwerp-cutting' },
  },
  {
    at: '2019-05-10T08:30:00Z',
    by: 'antwerp-cutting',
    type: 'SPLIT',
    payload: {
      diamondId: kalahariRough,
      children: [{ caratWeight: 0.72 }, { caratWeight: 0.56 }, { caratWeight: 0.41 }],
    },
    ids: [roundG060, emeraldE051, plannedPart],
  },
  {
    at: '2019-06-20T11:00:00Z',
    by: 'antwerp-cutting',
    type: 'POLISH',
    payload: {
      diamondId: emeraldE051,
      shape: 'EMERALD',
      caratWeight: 0.514,
      colour: 'E',
      clarity: 'VS2',
      polish: 'EXCELLENT',
      symmetry: 'VERY_GOOD',
      fluorescence: { intensity: 'NONE' },
      measurements: { lengthMm: 5.29, widthMm: 3.88, depthMm: 2.61 },
    },
  },
  {
    at: '2019-06-21T11:00:00Z',
    by: 'antwerp-cutting',
    type: 'POLISH',
    payload: {
      diamondId: roundG060,
      shape: 'ROUND',
      caratWeight: 0.602,
      colour: 'G',
      clarity: 'SI1',
      cut: 'EXCELLENT',
      polish: 'EXCELLENT',
      symmetry: 'EXCELLENT',
      fluorescence: { intensity: 'MEDIUM', colour: 'BLUE' },
      measurements: { lengthMm: 5.45, widthMm: 5.41, depthMm: 3.33 },
    },
  },
  {
    at: '2019-09-01T10:00:00Z',
    by: 'gia-lab',
    type: 'GRADE',
    payload: {
      diamondId: emeraldE051,
      lab: 'GIA',
      reportNumber: '2141438171',
      reportDate: '2019-09-01',
      reportType: 'Diamond Dossier',
    },
  },
  {
    at: '2019-09-02T10:00:00Z',
    by: 'gia-lab',
    type: 'INSCRIBE',
    payload: { diamondId: emeraldE051, inscription: 'GIA 2141438171' },
  },
  {
    at: '2019-10-15T16:00:00Z',
    by: 'antwerp-cutting',
    type: 'SELL',
    payload: { diamondId: emeraldE051, to: 'fifth-avenue-jewels' },
    price: samplePrices.emeraldSold,
  },
];

/** Admits the sample participants and commits the sample history, one block per step. */
export function loadSamples(ledger: TracrLedger): void {
  for (const { seed, ...participant } of sampleParticipants) {
    ledger.approve({ ...participant, publicKey: participantKeyFromSeed(seed).publicKey });
  }
  sampleSteps.forEach((step, index) => {
    const timestamp = Date.parse(step.at);
    const payload = step.price ? { ...step.payload, priceHash: priceCommitment(step.price) } : step.payload;
    const tx: Transaction = {
      type: step.type,
      participantId: step.by,
      nonce: `sample-${index + 1}`,
      timestamp,
      payload,
    };
    const signature = signTransaction(tx, participantKeyFromSeed(`tracr-sim:${step.by}`).privateKey);
    ledger.accept({ tx, signature, ...(step.price ? { privateData: { price: step.price } } : {}) }, step.ids);
    ledger.cutBlock(timestamp);
  });
}
