/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * The access matrix across two producer organisations that trade with each other: a rough of one is cut
 * into a stone the other holds (lineage across them), and one sells a stone to the other on the ledger
 * (custody moves through the participants registry). No route shows either organisation a stone of the
 * other: not its record, its ID, its jobs, its export, its place in a lineage, nor a reconciliation run or
 * match proposal that covers it (those are an admin's, over every organisation's stones).
 */
import type { Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { createProposal } from '../../src/store/match-proposals.js';
import { signAndCommit } from '../queue/platform-support.js';
import { startReconcileWorker } from './reconcile-worker.js';
import { waitUntil } from '../queue/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

type Producer = 'demo' | 'kalahari';
const keyOf: Record<Producer, string> = { demo: bearer.producer, kalahari: bearer.otherProducer };
const orgOf: Record<Producer, string> = { demo: 'demo-mining', kalahari: 'kalahari-mining' };

let bridge: TestBridge;
let reconcileWorker: Worker;
/** A finished reconciliation run over every stone, of both organisations. */
let runId: string;
/** An open match proposal for each organisation's stone. */
const proposalIds: string[] = [];
/** Each stone with the organisation that holds it once the scene is set. */
const stones: Record<string, { id: string; org: string; tracrId?: string }> = {};

const rough = (producerRef: string, mine: string) => ({
  schemaVersion: '1',
  kind: 'rough',
  identifiers: { producerRef },
  origin: { country: 'BW', mine },
  rough: { caratWeight: 2.2 },
});

beforeAll(async () => {
  bridge = await startBridge({
    workers: true,
    signAs: null,
    orgs: [
      {
        org: 'demo-mining',
        tracr: { participantId: 'demo-mining', privateKey: sandboxParticipantKey('demo-mining') },
      },
      {
        org: 'kalahari-mining',
        tracr: { participantId: 'kalahari-mining', privateKey: sandboxParticipantKey('kalahari-mining') },
      },
    ],
  });
  const register = async (who: string, body: object): Promise<string> => {
    const answer = await request(bridge.app).post('/v1/diamonds').set('authorization', who).send(body);
    expect(answer.status).toBe(202);
    return answer.body.id as string;
  };
  const onLedger = (id: string) =>
    waitUntil(`stone ${id} is on the ledger`, async () => {
      return (await bridge.built.services.store.diamonds.get(id))?.record.identifiers?.tracrId;
    });
  // Each producer's own rough.
  const demoRough = await register(keyOf.demo, rough('XORG-DEMO-1', 'Demo Secret Mine'));
  const kalRough = await register(keyOf.kalahari, rough('XORG-KAL-1', 'Kalahari Secret Mine'));
  stones['demo rough'] = { id: demoRough, org: 'demo-mining', tracrId: await onLedger(demoRough) };
  // Lineage across them: a stone cut from demo-mining's rough, held by kalahari-mining.
  const cut = await register(bearer.admin, {
    schemaVersion: '1',
    kind: 'polished',
    owner: { org: 'kalahari-mining' },
    identifiers: { producerRef: 'XORG-CUT-1' },
    polished: { shape: 'round', caratWeight: 0.5 },
    lineage: { parentId: demoRough },
  });
  stones['cut from demo rough'] = { id: cut, org: 'kalahari-mining' };
  // A transfer between them: kalahari-mining sells its rough to demo-mining on the ledger.
  const sold = await onLedger(kalRough);
  await signAndCommit({ url: bridge.tracr.url, apiKey: 'tracr-test-key' }, 'kalahari-mining', 'TRANSFER', {
    diamondId: sold,
    to: 'demo-mining',
  });
  await waitUntil('the sale moved the rough to demo-mining', async () => {
    return (await bridge.built.services.store.diamonds.get(kalRough))?.record.owner?.org === 'demo-mining';
  });
  stones['rough sold to demo'] = { id: kalRough, org: 'demo-mining', tracrId: sold };

  // The admin's view over both: a reconciliation run over every stone, and a match proposal for each.
  reconcileWorker = startReconcileWorker(bridge);
  const started = await request(bridge.app)
    .post('/v1/reconcile')
    .set('authorization', bearer.admin)
    .send({ all: true });
  expect(started.status).toBe(202);
  runId = started.body.runId as string;
  const run = await waitUntil('the run over every stone is done', async () => {
    const answer = await request(bridge.app).get(`/v1/reconcile/${runId}`).set('authorization', bearer.admin);
    return answer.body.status === 'done' ? answer.text : undefined;
  });
  expect(run).toContain(stones['cut from demo rough'].id);
  for (const stone of [stones['demo rough'], stones['cut from demo rough']]) {
    const { proposal } = await createProposal(
      bridge.built.services.store,
      {
        platform: 'gia',
        ref: `7555${proposalIds.length}00001`,
        view: { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 2.2 } },
        readAt: new Date().toISOString(),
        diamondId: stone.id,
        grade: 'probable',
        score: 90,
        reasons: ['same rough weight 2.2 ct'],
      },
      { actor: 'test' },
    );
    proposalIds.push(proposal!.proposalId);
  }
});
afterAll(async () => {
  await reconcileWorker.close();
  await bridge.close();
});

/** The IDs of the stones another organisation holds, which must never reach `producer`. */
function foreignTo(producer: Producer): string[] {
  return Object.values(stones)
    .filter((stone) => stone.org !== orgOf[producer])
    .map((stone) => stone.id);
}

describe('two producer organisations with lineage across them and a transfer between them', () => {
  for (const producer of ['demo', 'kalahari'] as const) {
    it(`${producer}: every stone route answers its own stones and 404 for the other's, exactly as for one never held`, async () => {
      for (const [name, stone] of Object.entries(stones)) {
        const own = stone.org === orgOf[producer];
        for (const path of [
          `/v1/diamonds/${stone.id}`,
          `/v1/diamonds/${stone.id}/epcis`,
          `/v1/lookup?id=${stone.id}`,
        ]) {
          const answer = await request(bridge.app).get(path).set('authorization', keyOf[producer]);
          expect(answer.status, `${path} (${name})`).toBe(own ? 200 : 404);
        }
      }
    });

    it(`${producer}: no answer names or describes the other organisation's stones`, async () => {
      // What the caller asked by is echoed back in a 404, as for any ID: only the rest of each answer counts.
      const bodies: string[] = [];
      const ask = async (path: string) => {
        const answer = await request(bridge.app).get(path).set('authorization', keyOf[producer]);
        const asked = /tb_[0-9A-Za-z_-]+/.exec(path)?.[0];
        const body = JSON.stringify(answer.body);
        bodies.push(`${answer.status} ${asked ? body.replaceAll(asked, '(asked)') : body}`);
      };
      for (const stone of Object.values(stones)) {
        await ask(`/v1/diamonds/${stone.id}`);
        await ask(`/v1/diamonds/${stone.id}/epcis`);
        await ask(`/v1/lookup?id=${stone.id}`);
        if (stone.tracrId) await ask(`/v1/lookup?tracrId=${stone.tracrId}`);
      }
      for (const state of ['waiting', 'active', 'completed', 'failed', 'delayed'])
        await ask(`/v1/jobs?state=${state}&limit=500`);
      for (const format of ['json', 'csv', 'html']) await ask(`/v1/reconcile/${runId}?format=${format}`);
      await ask('/v1/matches');
      await ask('/v1/parcels?kpCertificate=BW-KP-XORG-1');
      const foreign = foreignTo(producer);
      const secret = producer === 'demo' ? 'Kalahari Secret Mine' : 'Demo Secret Mine';
      for (const body of bodies) {
        for (const id of foreign) expect(body.includes(id), `${body} names ${id}`).toBe(false);
      }
      // The bridge's record of the other's stone is never shown; a lookup by its ledger ID answers what the
      // ledger itself says, as for any stone the bridge does not hold. The sold rough's mine is demo-mining's
      // to read now, so only kalahari is kept from the other's secret.
      if (producer === 'kalahari')
        for (const body of bodies.filter((b) => !b.includes('"name":"tracrId"')))
          expect(body.includes(secret), body.slice(0, 80)).toBe(false);
    });
  }

  for (const producer of ['demo', 'kalahari'] as const) {
    it(`${producer}: reconciliation runs, their corrections and match proposals are refused, as are the other's jobs`, async () => {
      const as = (test: request.Test) => test.set('authorization', keyOf[producer]);
      const refused: [string, request.Test][] = [
        ['start a run over all', request(bridge.app).post('/v1/reconcile').send({ all: true })],
        [
          "start a run over the other's",
          request(bridge.app)
            .post('/v1/reconcile')
            .send({ ids: foreignTo(producer) }),
        ],
        ...['json', 'csv', 'html'].map((format): [string, request.Test] => [
          `read the run as ${format}`,
          request(bridge.app).get(`/v1/reconcile/${runId}?format=${format}`),
        ]),
        ['apply the run', request(bridge.app).post(`/v1/reconcile/${runId}/apply`)],
        ['list match proposals', request(bridge.app).get('/v1/matches')],
        ...proposalIds.flatMap((id): [string, request.Test][] => [
          [`confirm ${id}`, request(bridge.app).post(`/v1/matches/${id}/confirm`)],
          [`reject ${id}`, request(bridge.app).post(`/v1/matches/${id}/reject`)],
        ]),
      ];
      for (const [what, test] of refused) {
        const answer = await as(test);
        expect(answer.status, what).toBe(403);
        for (const id of foreignTo(producer)) expect(answer.text, what).not.toContain(id);
      }
      // The admin's view was not changed by any of it.
      const proposals = await request(bridge.app).get('/v1/matches').set('authorization', bearer.admin);
      const listed = proposals.body.proposals as { proposalId: string }[];
      expect(listed.map((p) => p.proposalId).sort()).toEqual([...proposalIds].sort());

      const foreignJobs: { id: string; data: { diamondId: string } }[] = [];
      for (const state of ['waiting', 'active', 'completed', 'failed', 'delayed']) {
        const jobs = await request(bridge.app)
          .get(`/v1/jobs?state=${state}&limit=500`)
          .set('authorization', bearer.admin);
        const listed = jobs.body.jobs as { id: string; data: { diamondId: string } }[];
        foreignJobs.push(...listed.filter((job) => foreignTo(producer).includes(job.data.diamondId)));
      }
      expect(foreignJobs.length).toBeGreaterThan(0);
      for (const job of foreignJobs) {
        const answer = await as(request(bridge.app).get(`/v1/jobs/${encodeURIComponent(job.id)}`));
        expect(answer.status).toBe(404);
        expect(answer.text.replaceAll(job.id, '(asked)')).not.toContain(job.data.diamondId);
      }
    });
  }

  it('the cut stone shows its parent only as a stone held by another organisation', async () => {
    const answer = await request(bridge.app)
      .get(`/v1/diamonds/${stones['cut from demo rough']!.id}`)
      .set('authorization', keyOf.kalahari);
    expect(answer.status).toBe(200);
    expect(answer.body.record.lineage?.parentId).toBeUndefined();
    expect(answer.body.relatives).toEqual([{ relation: 'parent', heldBy: 'another organisation' }]);
  });
});
