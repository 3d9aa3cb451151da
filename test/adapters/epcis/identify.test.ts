/**
 * Finding the stones an EPCIS document names through the bridge's own store: bridge URIs by bridge ID,
 * the bridge's identifier URIs through the identifier index, EPC URNs and Digital Links through the
 * identity map's `epcis` links. A real redis-server, started for this suite.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { normaliseIdentifier } from '../../../src/adapters/epcis/digital-link.js';
import { identifyStones, sortEvents, type StoneDirectory } from '../../../src/adapters/epcis/outcomes.js';
import { readEpcis } from '../../../src/adapters/epcis/transform.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { freshPrefix, roughStone, suiteRedis } from '../../store/fixtures.js';
import { foreignFixtures } from './support.js';

const who = { actor: 'test', action: 'register' };

function directoryOf(store: Store): StoneDirectory {
  return {
    resolve: (platform, ref) => store.identity.resolve(platform, ref),
    findByIdentifier: (name, value) => store.identity.findByIdentifier(name, value),
    has: async (id) => (await store.diamonds.get(id)) !== null,
  };
}

describe('EPCIS import finds stones through the store', () => {
  const redisOf = suiteRedis();
  let redis: Redis;
  beforeEach(() => {
    redis = redisOf();
  });

  it('attaches by Digital Link link, bridge ID and identifier; a bridge URI for no stored stone is unknown', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    const { id: linked } = await store.diamonds.save(roughStone('LOT-EPCIS-1'), who);
    const { id: byRef } = await store.diamonds.save(roughStone('LOT-EPCIS-2'), who);
    // The stone is known to the rest of the chain by a GS1 key; the document writes it as a Digital Link.
    await store.identity.link(
      linked,
      'epcis',
      normaliseIdentifier('urn:epc:id:sgtin:0614141.107346.2018'),
      who,
    );
    const document = readEpcis({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-03-02T10:00:00Z',
      epcisBody: {
        eventList: [
          shipping('https://id.gs1.org/01/10614141073464/21/2018'),
          shipping('https://id.tracebridge.dev/diamond/producer/LOT-EPCIS-2'),
          shipping('https://id.tracebridge.dev/diamond/tb_notstored_0001'),
        ],
      },
    });
    const stones = await identifyStones(document, directoryOf(store));
    const { value: outcomes } = sortEvents(document, stones);
    expect(
      outcomes.map((o) => (o.outcome === 'attached' ? o.attachments.map((a) => a.stone) : o.outcome)),
    ).toEqual([[linked], [byRef], 'no-known-stone']);
  });

  it('resolves the query document fixture by the Digital Link the identity map holds', async () => {
    const store = createStore(redis, { prefix: freshPrefix() });
    const { id } = await store.diamonds.save(roughStone('LOT-EPCIS-3'), who);
    await store.identity.link(id, 'epcis', normaliseIdentifier('urn:epc:id:sgtin:0614141.107346.2018'), who);
    const example = foreignFixtures().find(([name]) => name === 'query-document.jsonld')![1];
    const document = readEpcis(example);
    const { value: outcomes } = sortEvents(document, await identifyStones(document, directoryOf(store)));
    expect(outcomes[1]).toMatchObject({
      outcome: 'attached',
      attachments: [{ stone: id, event: { type: 'received' } }],
    });
  });
});

function shipping(epc: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-03-01T09:30:00Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    epcList: [epc],
  };
}
