/**
 * Change feeds across the two real platforms: the GIA-style registry and the Tracr-style ledger, both
 * simulators over HTTP, with the real adapters. The bridge here is run by a grading lab (it signs on the
 * ledger as the sample lab participant `gia-lab`), because the ledger takes a GRADE only from a lab: a
 * producer's bridge can carry origin and rough data to the ledger, never a grading.
 *
 * Everything on the platforms happens as the trade does it, never through the bridge: a producer registers
 * a rough, a cutter polishes it, the lab issues and re-issues its report, an owner transfers the stone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformClient } from '../../src/adapters/contract.js';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { listProposals } from '../../src/store/match-proposals.js';
import { startGiaSimulator } from '../../sim/gia/index.js';
import { participantKeyFromSeed, sampleIds, startTracrSimulator } from '../../sim/tracr/index.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import {
  gradingReport,
  labIssues,
  ledgerStone,
  lookUpOnPlan,
  roundPolish,
  signAndCommit,
} from './platform-support.js';
import { openBridge, testConfig, waitUntil, type TestBridge } from './support.js';

const giaKey = 'gia-key';

describe('change feeds between the GIA-style registry and the Tracr-style ledger', () => {
  let redis: TestRedis;
  let gia: Awaited<ReturnType<typeof startGiaSimulator>>;
  let tracr: Awaited<ReturnType<typeof startTracrSimulator>>;
  let ledger: { url: string; apiKey: string };
  let bridge: TestBridge;
  let heldBefore: string;

  beforeAll(async () => {
    redis = await startRedis();
    gia = await startGiaSimulator({ port: 0, apiKey: giaKey });
    tracr = await startTracrSimulator({ port: 0, apiKey: 'tracr-key', blockIntervalMs: 50 });
    ledger = { url: tracr.url, apiKey: 'tracr-key' };
    bridge = openBridge(
      testConfig(redis, {
        feedIntervalMs: 100,
        orgs: [
          { org: 'demo-mining', tracr: { participantId: 'demo-mining' } },
          { org: 'antwerp', tracr: { participantId: 'antwerp-cutting' } },
        ],
      }),
      [giaAdapter, tracrAdapter],
    );
    // A rough the producer registered with the bridge long ago, never linked to the ledger's record of it.
    const held = await bridge.store.diamonds.save(
      {
        schemaVersion: '1',
        kind: 'rough',
        owner: { org: 'demo-mining' },
        identifiers: { producerRef: 'DM-0001' },
        origin: { country: 'CA', mine: 'Diavik' },
        rough: { caratWeight: 3.007 },
      },
      { actor: 'test', action: 'register' },
    );
    heldBefore = held.id;
    await bridge.startWorkers(
      new Map<string, PlatformClient>([
        ['gia', giaAdapter.connect({ url: `${gia.url}/graphql`, apiKey: giaKey })],
        [
          'tracr',
          tracrAdapter.connect({
            url: tracr.url,
            apiKey: 'tracr-key',
            participantId: 'gia-lab',
            privateKey: participantKeyFromSeed('tracr-sim:gia-lab').privateKey,
          }),
        ],
      ]),
      { feeds: true },
    );
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([gia.close(), tracr.close()]);
    await redis.stop();
  });

  it("the ledger's split rough and its parts arrive linked to each other by bridge IDs", async () => {
    const { kalahariRough, roundG060, emeraldE051, plannedPart } = sampleIds;
    const [rough, ...parts] = await waitUntil('the bridge holds the split rough and its parts', async () => {
      const ids = await Promise.all(
        [kalahariRough, roundG060, emeraldE051, plannedPart].map((ref) =>
          bridge.store.identity.resolve('tracr', ref),
        ),
      );
      const known = ids.filter((id): id is string => id !== null);
      return known.length === ids.length ? known : null;
    });
    const roughRecord = (await bridge.store.diamonds.get(rough!))?.record;
    expect([...(roughRecord?.lineage?.childIds ?? [])].sort()).toEqual([...parts].sort());
    for (const part of parts) {
      const record = (await bridge.store.diamonds.get(part))?.record;
      expect(record?.lineage?.parentId).toBe(rough);
      // The ledger's own references stay beside the resolved ones, so a round trip loses nothing.
      expect(record?.extensions?.tracr).toMatchObject({ parentId: kalahariRough });
    }
  });

  it('a ledger stone that only shares a producer reference with a stored stone is proposed, not created', async () => {
    const proposal = await waitUntil('a match proposal for the Diavik rough', async () =>
      (await listProposals(bridge.store)).proposals.find((p) => p.ref === sampleIds.diavikRough),
    );
    expect(proposal).toMatchObject({ platform: 'tracr', diamondId: heldBefore, grade: 'probable' });
    expect(await bridge.store.identity.resolve('tracr', sampleIds.diavikRough)).toBeNull();
    expect(await bridge.store.identity.findByIdentifier('tracrId', sampleIds.diavikRough)).toBeNull();
  });

  it('a GIA report naming a ledger stone links to it, grades the bridge record, and the grade reaches the ledger', async () => {
    const { diamondId: tracrId } = await signAndCommit(ledger, 'demo-mining', 'REGISTER_ROUGH', {
      caratWeight: 1.02,
      sourceCountry: 'BW',
      mine: 'Jwaneng',
      producerRef: `XT-${process.pid}`,
    });
    await signAndCommit(ledger, 'demo-mining', 'TRANSFER', { diamondId: tracrId, to: 'antwerp-cutting' });
    await signAndCommit(ledger, 'antwerp-cutting', 'POLISH', { diamondId: tracrId, ...roundPolish });
    const id = await waitUntil('the bridge holds the polished stone', async () => {
      const found = await bridge.store.identity.resolve('tracr', tracrId);
      const stored = found === null ? null : await bridge.store.diamonds.get(found);
      return stored?.record.kind === 'polished' ? found : null;
    });
    const stones = await bridge.store.diamonds.count();

    // The lab grades the stone; a trader looks the report up on the bridge's plan; the lab then re-issues
    // it with the laser inscription, and that change is what GIA's feed reports.
    const reportNumber = '7300000101';
    await labIssues(gia.url, gradingReport({ reportNumber, tracrId }));
    await lookUpOnPlan(gia.url, giaKey, [reportNumber]);
    const inscription = `GIA ${reportNumber}`;
    await labIssues(gia.url, gradingReport({ reportNumber, tracrId, inscription }));

    const graded = await waitUntil('the bridge record carries the grading', async () => {
      const record = (await bridge.store.diamonds.get(id))?.record;
      return record?.grading?.reportNumber === reportNumber ? record : null;
    });
    expect(await bridge.store.identity.resolve('gia', reportNumber)).toBe(id);
    expect(await bridge.store.diamonds.count()).toBe(stones);
    expect(graded).toMatchObject({
      kind: 'polished',
      identifiers: { tracrId, giaReportNumber: reportNumber, inscription },
      grading: { lab: 'GIA', reportNumber, reportDate: '2021-03-03', reportType: 'Diamond Grading Report' },
      polished: { shape: 'round', caratWeight: 0.5, color: { scale: 'DZ', grade: 'F' }, clarity: 'VS1' },
    });

    const onLedger = await waitUntil('the ledger holds the grading', async () => {
      const stone = await ledgerStone(ledger, tracrId);
      return stone.grading?.reportNumber === reportNumber && stone.inscription !== null ? stone : null;
    });
    expect(onLedger).toMatchObject({
      assurance: 'ASSURED_AND_CERTIFIED',
      inscription,
      grading: { lab: 'GIA', reportNumber, reportDate: '2021-03-03' },
      owner: { participantId: 'antwerp-cutting' },
    });
    const mirrors = await waitUntil('both platforms are mirrored', async () => {
      const entries = await bridge.store.mirrors.get(id);
      return entries.gia && entries.tracr?.view.grading ? entries : null;
    });
    expect(mirrors.gia?.ref).toBe(reportNumber);
    expect(mirrors.tracr?.ref).toBe(tracrId);
  });

  it("a transfer signed on the ledger moves the bridge record's owner through the participants registry", async () => {
    const { diamondId: tracrId } = await signAndCommit(ledger, 'demo-mining', 'REGISTER_ROUGH', {
      caratWeight: 0.88,
      sourceCountry: 'ZA',
      producerRef: `XU-${process.pid}`,
    });
    const id = await waitUntil('the bridge holds the new rough', () =>
      bridge.store.identity.resolve('tracr', tracrId),
    );
    expect((await bridge.store.diamonds.get(id))?.record.owner).toEqual({ org: 'demo-mining' });

    await signAndCommit(ledger, 'demo-mining', 'TRANSFER', { diamondId: tracrId, to: 'antwerp-cutting' });
    const record = await waitUntil('the bridge record shows the new owner', async () => {
      const stored = (await bridge.store.diamonds.get(id))?.record;
      return stored?.owner?.org === 'antwerp' ? stored : null;
    });
    expect(record.events?.map((event) => [event.type, event.platform])).toEqual([
      ['registered', 'tracr'],
      ['transferred', 'tracr'],
    ]);
    expect(record.extensions?.tracr).toMatchObject({
      ownerParticipantId: 'antwerp-cutting',
      ownerOrgName: 'Antwerp Cutting Works',
    });
  });
});
