/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Each ledger write is signed by the participant of the organisation that performs the act: the producer
 * registers, the manufacturer polishes, the lab grades. One bridge serves all three, each with its own key
 * in the participants registry, and the ledger's own chain says who signed what.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { startBridge, testKeys, type TestBridge } from '../api/support.js';
import {
  gradingReport,
  labIssues,
  ledgerStone,
  lookUpOnPlan,
  signAndCommit,
} from '../queue/platform-support.js';
import { waitUntil } from '../queue/support.js';

const kalahari = 'Bearer kalahari-key';
const antwerp = 'Bearer antwerp-key';
const ledgerKey = (participantId: string) => ({
  participantId,
  privateKey: sandboxParticipantKey(participantId),
});

/** What the ledger's operator state says each participant signed: participant -> transaction type -> count. */
async function signedOnLedger(bridge: TestBridge): Promise<Record<string, Record<string, number>>> {
  const state = (await (await fetch(`${bridge.tracr.url}/admin/state`)).json()) as {
    committedBySigner: Record<string, Record<string, number>>;
  };
  return state.committedBySigner;
}

describe('signing each ledger act as the participant of the organisation that performs it', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge({
      workers: true,
      // No shorthand participant: an organisation without a key of its own signs nothing.
      signAs: null,
      orgs: [
        { org: 'kalahari', tracr: ledgerKey('kalahari-mining') },
        { org: 'antwerp', tracr: ledgerKey('antwerp-cutting') },
        { org: 'gia-lab', tracr: ledgerKey('gia-lab') },
        // Named on the ledger, but the bridge holds no key for it.
        { org: 'diavik', tracr: { participantId: 'demo-mining' } },
      ],
      settings: {
        apiKeys: [
          ...testKeys,
          { name: 'kalahari', key: 'kalahari-key', role: 'producer', org: 'kalahari' },
          { name: 'antwerp', key: 'antwerp-key', role: 'producer', org: 'antwerp' },
          { name: 'diavik', key: 'diavik-key', role: 'producer', org: 'diavik' },
        ],
      },
    });
  });
  afterAll(async () => {
    await bridge.close();
  });

  const stored = async (id: string): Promise<DiamondRecord | undefined> =>
    (await bridge.built.services.store.diamonds.get(id))?.record;
  const post = async (key: string, record: DiamondRecord): Promise<string> => {
    const answer = await request(bridge.app).post('/v1/diamonds').set('authorization', key).send(record);
    expect(answer.status).toBe(202);
    return answer.body.id as string;
  };
  /** The record as its owner would send it back: without where platforms hold it. */
  const editable = (record: DiamondRecord): DiamondRecord => {
    const { sources: _sources, ...content } = record;
    return content;
  };

  it('a stone registered by a producer, polished by a manufacturer and graded by the lab: each signed by its own participant', async () => {
    const before = await signedOnLedger(bridge);
    const id = await post(kalahari, {
      schemaVersion: '1',
      kind: 'rough',
      identifiers: { producerRef: 'KAL-SIGNED-1' },
      origin: { country: 'BW', mine: 'Jwaneng' },
      rough: { caratWeight: 2.5 },
    });
    const tracrId = await waitUntil('the producer registered the rough', async () => {
      return (await stored(id))?.identifiers?.tracrId;
    });

    // The producer sells the rough to the manufacturer on the ledger, as the trade does; custody moves the
    // stone to the manufacturer's organisation.
    await signAndCommit(ledgerOf(bridge), 'kalahari-mining', 'TRANSFER', {
      diamondId: tracrId,
      to: 'antwerp-cutting',
    });
    await waitUntil(
      'the manufacturer holds the stone',
      async () => (await stored(id))?.owner?.org === 'antwerp',
    );

    // The manufacturer polishes it.
    const held = editable((await stored(id))!);
    await post(antwerp, {
      ...held,
      kind: 'polished',
      polished: {
        shape: 'round',
        caratWeight: 0.5,
        color: { scale: 'DZ', grade: 'F' },
        clarity: 'VS1',
        cut: 'EX',
        polish: 'EX',
        symmetry: 'EX',
        fluorescence: { intensity: 'NON' },
        measurements: { minDiameterMm: 5.1, maxDiameterMm: 5.13, depthMm: 3.16 },
      },
    });
    await waitUntil('the ledger holds the polished stone', async () => {
      return (await ledgerStone(ledgerOf(bridge), tracrId)).kind === 'POLISHED';
    });

    // The lab grades it; the bridge carries the grade to the ledger.
    const reportNumber = '7300000202';
    await labIssues(bridge.gia.url, gradingReport({ reportNumber, tracrId }));
    await lookUpOnPlan(bridge.gia.url, 'gia-test-key', [reportNumber]);
    await labIssues(bridge.gia.url, gradingReport({ reportNumber, tracrId, comment: 'Re-issued.' }));
    const graded = await waitUntil('the ledger holds the grade', async () => {
      const stone = await ledgerStone(ledgerOf(bridge), tracrId);
      return stone.grading?.reportNumber === reportNumber ? stone : undefined;
    });

    // Who signed each act, as the ledger's own history and its operator state record it.
    const signerOf = (type: string) => graded.events?.find((event) => event.type === type)?.participantId;
    expect(signerOf('registered')).toBe('kalahari-mining');
    expect(signerOf('transferred')).toBe('kalahari-mining');
    expect(signerOf('polished')).toBe('antwerp-cutting');
    expect(signerOf('graded')).toBe('gia-lab');
    const signed = since(before, await signedOnLedger(bridge));
    expect(signed).toEqual({
      'kalahari-mining': { REGISTER_ROUGH: 1, TRANSFER: 1 },
      'antwerp-cutting': expect.objectContaining({ POLISH: 1 }),
      'gia-lab': expect.objectContaining({ GRADE: 1 }),
    });
    // The holder corrects what it declared; only the lab's participant grades.
    expect(Object.keys(signed['antwerp-cutting']!).filter((type) => type !== 'UPDATE')).toEqual(['POLISH']);
    expect(Object.keys(signed['gia-lab']!).filter((type) => type !== 'INSCRIBE')).toEqual(['GRADE']);
  });

  it('an act with no configured signer is "not permitted": its own sync state with the reason, never a failed job', async () => {
    const before = await signedOnLedger(bridge);
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', 'Bearer diavik-key')
      .send({
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { producerRef: 'DVK-UNSIGNED-1' },
        origin: { country: 'CA', mine: 'Diavik' },
        rough: { caratWeight: 3.1 },
      });
    expect(answer.status).toBe(202);
    const id: string = answer.body.id;
    const job: string = answer.body.jobs.find((j: { platform: string }) => j.platform === 'tracr').id;
    const sync = await waitUntil('the ledger sync settled', async () => {
      const got = await request(bridge.app)
        .get(`/v1/diamonds/${id}`)
        .set('authorization', 'Bearer diavik-key');
      return got.body.sync?.tracr?.status === 'pending' ? undefined : got.body.sync.tracr;
    });
    expect(sync).toMatchObject({ status: 'not_permitted', job });
    expect(sync.reason).toMatch(/REGISTER_ROUGH: no ledger signer is configured for organisation "diavik"/);

    const jobAnswer = await request(bridge.app)
      .get(`/v1/jobs/${job}`)
      .set('authorization', 'Bearer diavik-key');
    expect(jobAnswer.body).toMatchObject({ state: 'completed', result: { outcome: 'not_permitted' } });
    const failed = await request(bridge.app)
      .get('/v1/jobs?state=failed')
      .set('authorization', 'Bearer demo-admin-key');
    expect(failed.body.jobs.map((j: { id: string }) => j.id)).not.toContain(job);
    // Nothing was signed for it, by anyone.
    expect(await signedOnLedger(bridge)).toEqual(before);
  });
});

/** What was signed after `before`, by participant and type; participants that signed nothing left out. */
function since(
  before: Record<string, Record<string, number>>,
  after: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const signed: Record<string, Record<string, number>> = {};
  for (const [participant, types] of Object.entries(after)) {
    for (const [type, count] of Object.entries(types)) {
      const added = count - (before[participant]?.[type] ?? 0);
      if (added > 0) (signed[participant] ??= {})[type] = added;
    }
  }
  return signed;
}

function ledgerOf(bridge: TestBridge): { url: string; apiKey: string } {
  return { url: bridge.tracr.url, apiKey: 'tracr-test-key' };
}
