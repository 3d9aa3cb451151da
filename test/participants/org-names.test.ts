/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * A producer's API organisation and its ledger display name differ ("kalahari" and "Kalahari Mining Co."),
 * as they do in the trade. The bridge decides access by its own organisation only: a feed pull that reads
 * the ledger's name for the owner must not take the producer's stones away from it.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxParticipantKey } from '../../src/ops/processes.js';
import { bearer, startBridge, testKeys, type TestBridge } from '../api/support.js';
import { signAndCommit } from '../queue/platform-support.js';
import { waitUntil } from '../queue/support.js';

const kalahari = 'Bearer kalahari-key';

describe('a producer whose ledger display name differs from its API organisation', () => {
  let bridge: TestBridge;
  let id: string;
  let job: string;

  beforeAll(async () => {
    bridge = await startBridge({
      workers: true,
      signAs: 'kalahari-mining',
      orgs: [
        {
          org: 'kalahari',
          tracr: {
            participantId: 'kalahari-mining',
            privateKey: sandboxParticipantKey('kalahari-mining'),
          },
        },
        { org: 'antwerp', tracr: { participantId: 'antwerp-cutting' } },
      ],
      settings: {
        apiKeys: [
          ...testKeys,
          { name: 'kalahari', key: 'kalahari-key', role: 'producer', org: 'kalahari' },
          { name: 'antwerp', key: 'antwerp-key', role: 'producer', org: 'antwerp' },
        ],
      },
    });
    const answer = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', kalahari)
      .send({
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { producerRef: 'KAL-NAMES-1' },
        origin: { country: 'BW', mine: 'Jwaneng' },
        rough: { caratWeight: 4.21 },
      });
    expect(answer.status).toBe(202);
    id = answer.body.id;
    job = answer.body.jobs.find((j: { platform: string }) => j.platform === 'tracr').id;
    // The ledger's feed brings the stone back with its owner as the ledger names it.
    await waitUntil('a feed pull has stored the ledger owner name', async () => {
      const stored = await bridge.built.services.store.diamonds.get(id);
      const history = await bridge.built.services.store.audit.history(id);
      return (
        stored?.record.extensions?.['tracr']?.['ownerOrgName'] === 'Kalahari Mining Co.' &&
        history.some((entry) => entry.action === 'change-feed')
      );
    });
  });
  afterAll(async () => {
    await bridge.close();
  });

  it('keeps owner.org as the bridge organisation and the ledger name as a platform fact', async () => {
    const stored = await bridge.built.services.store.diamonds.get(id);
    expect(stored?.record.owner).toEqual({ org: 'kalahari' });
    expect(stored?.record.extensions?.['tracr']?.['ownerParticipantId']).toBe('kalahari-mining');
  });

  it('still answers the producer 200 on GET, update, its job and the EPCIS export', async () => {
    const got = await request(bridge.app).get(`/v1/diamonds/${id}`).set('authorization', kalahari);
    expect(got.status).toBe(200);
    const update = await request(bridge.app)
      .post('/v1/diamonds')
      .set('authorization', kalahari)
      .send({ ...got.body.record, rough: { caratWeight: 4.22 } });
    expect(update.status).toBe(202);
    const jobAnswer = await request(bridge.app).get(`/v1/jobs/${job}`).set('authorization', kalahari);
    expect(jobAnswer.status).toBe(200);
    const listed = await request(bridge.app).get('/v1/jobs?state=completed').set('authorization', kalahari);
    expect(listed.status).toBe(200);
    expect(listed.body.jobs.some((j: { id: string }) => j.id === job)).toBe(true);
    const epcis = await request(bridge.app).get(`/v1/diamonds/${id}/epcis`).set('authorization', kalahari);
    expect(epcis.status).toBe(200);
  });

  it('does not give the stone to an API organisation named like the ledger display name', async () => {
    const other = await request(bridge.app).get(`/v1/diamonds/${id}`).set('authorization', bearer.producer);
    expect(other.status).toBeGreaterThanOrEqual(400);
  });

  describe('custody through the registry', () => {
    const ledger = () => ({ url: bridge.tracr.url, apiKey: 'tracr-test-key' });
    /** Registers a rough as the producer and answers its bridge ID and Tracr ID once the ledger holds it. */
    const registered = async (producerRef: string): Promise<{ id: string; tracrId: string }> => {
      const answer = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', kalahari)
        .send({
          schemaVersion: '1',
          kind: 'rough',
          identifiers: { producerRef },
          origin: { country: 'BW' },
          rough: { caratWeight: 2.5 },
        });
      expect(answer.status).toBe(202);
      const stoneId: string = answer.body.id;
      const tracrId = await waitUntil('the ledger holds the stone', async () => {
        const stored = await bridge.built.services.store.diamonds.get(stoneId);
        return stored?.record.identifiers?.tracrId;
      });
      return { id: stoneId, tracrId };
    };

    it('a ledger transfer to a participant of a known organisation moves owner.org, audited', async () => {
      const stone = await registered('KAL-CUSTODY-KNOWN');
      await signAndCommit(ledger(), 'kalahari-mining', 'TRANSFER', {
        diamondId: stone.tracrId,
        to: 'antwerp-cutting',
      });
      await waitUntil('the transfer moved the stone to antwerp', async () => {
        const stored = await bridge.built.services.store.diamonds.get(stone.id);
        return stored?.record.owner?.org === 'antwerp';
      });
      const history = await bridge.built.services.store.audit.history(stone.id);
      const audited = history.find((entry) => entry.detail?.['custody'] !== undefined);
      expect(audited?.detail?.['custody']).toMatchObject({
        platform: 'tracr',
        party: 'antwerp-cutting',
        from: 'kalahari',
        to: 'antwerp',
        kind: 'moved',
      });
      const buyer = await request(bridge.app)
        .get(`/v1/diamonds/${stone.id}`)
        .set('authorization', 'Bearer antwerp-key');
      expect(buyer.status).toBe(200);
      const seller = await request(bridge.app).get(`/v1/diamonds/${stone.id}`).set('authorization', kalahari);
      expect(seller.status).toBeGreaterThanOrEqual(400);
    });

    it('a ledger transfer to an unknown participant keeps owner.org and marks the stone held outside', async () => {
      const stone = await registered('KAL-CUSTODY-UNKNOWN');
      await signAndCommit(ledger(), 'kalahari-mining', 'TRANSFER', {
        diamondId: stone.tracrId,
        to: 'fifth-avenue-jewels',
      });
      const stored = await waitUntil('the stone is marked as held outside the bridge', async () => {
        const found = await bridge.built.services.store.diamonds.get(stone.id);
        return found?.record.extensions?.['bridge']?.['heldOutside'] ? found : undefined;
      });
      expect(stored.record.owner).toEqual({ org: 'kalahari' });
      expect(stored.record.extensions?.['bridge']?.['heldOutside']).toMatchObject({
        platform: 'tracr',
        party: 'fifth-avenue-jewels',
      });
      expect(
        stored.record.events?.some((e) => e.type === 'transferred' && e.to === 'fifth-avenue-jewels'),
      ).toBe(true);
      const read = await request(bridge.app).get(`/v1/diamonds/${stone.id}`).set('authorization', kalahari);
      expect(read.status).toBe(200);
      const before = await bridge.built.services.store.diamonds.get(stone.id);
      const write = await request(bridge.app)
        .post('/v1/diamonds')
        .set('authorization', kalahari)
        .send({ ...read.body.record, rough: { caratWeight: 2.6 } });
      expect(write.status).toBe(422);
      expect(write.body.errors[0].message).toMatch(/fifth-avenue-jewels, outside the bridge/);
      expect((await bridge.built.services.store.diamonds.get(stone.id))?.version).toBe(before?.version);
    });
  });
});
