/**
 * EPCIS documents from anyone, sorted event by event: attached to the stones they name, retracted by an
 * error declaration, or about no stone the bridge knows. GS1's own examples, documents in GS1's shapes about
 * diamonds, and the bridge's own exports.
 */
import { describe, expect, test } from 'vitest';
import { eventHash } from '../../../src/adapters/epcis/event-hash.js';
import { exportHistory } from '../../../src/adapters/epcis/export.js';
import { readEventType, stepReadings } from '../../../src/adapters/epcis/mapping.js';
import { normaliseIdentifier } from '../../../src/adapters/epcis/digital-link.js';
import { importEpcis } from '../../../src/adapters/epcis/import.js';
import { sortEvents, type EventOutcome } from '../../../src/adapters/epcis/outcomes.js';
import { readEpcis } from '../../../src/adapters/epcis/transform.js';
import type { EpcisDocument, EpcisEvent } from '../../../src/adapters/epcis/types.js';
import { fixture, foreignFixtures, gs1Examples, splitFixture } from './support.js';

const creationDate = '2024-06-01T00:00:00.000Z';
const eventsOf = (document: Record<string, unknown>): unknown[] => {
  const body = document.epcisBody as Record<string, unknown>;
  const query = body.queryResults as { resultsBody: { eventList: unknown[] } } | undefined;
  return query ? query.resultsBody.eventList : (body.eventList as unknown[]);
};

/** Every stone an example names, known to the bridge: so each event must attach or be retracted. */
function everyEpcKnown(document: Record<string, unknown>): Map<string, string> {
  const stones = new Map<string, string>();
  for (const event of eventsOf(document) as EpcisEvent[]) {
    const epcs = [
      ...(event.epcList ?? []),
      ...(event.inputEPCList ?? []),
      ...(event.outputEPCList ?? []),
      ...((event.childEPCs as string[] | undefined) ?? []),
      ...(typeof event.parentID === 'string' ? [event.parentID] : []),
    ];
    for (const epc of epcs) stones.set(epc, `tb_stone_${String(stones.size).padStart(4, '0')}`);
  }
  return stones;
}

const outcomeNames = ['attached', 'retracted', 'no-known-stone'];

describe('the business step table', () => {
  test.each(Object.entries(stepReadings))('%s reads as the table says', (step, row) => {
    const event: EpcisEvent = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: step === 'commissioning' ? 'ADD' : 'OBSERVE',
      bizStep: `https://ref.gs1.org/cbv/BizStep-${step}`,
      epcList: ['https://id.tracebridge.dev/diamond/tb_stone_0001'],
    };
    expect(readEventType(event, event.epcList![0]!, 'tb')).toEqual(row);
  });

  test("an inspection carrying the bridge's grading report is a grading; without it, it is not", () => {
    const inspection: EpcisEvent = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      bizStep: 'urn:epcglobal:cbv:bizstep:inspecting',
      epcList: ['https://id.tracebridge.dev/diamond/tb_stone_0001'],
    };
    const subject = inspection.epcList![0]!;
    expect(readEventType(inspection, subject, 'tb').type).toBeUndefined();
    const graded = { ...inspection, 'tb:lab': 'GIA', 'tb:reportNumber': '2141438171' };
    expect(readEventType(graded, subject, 'tb')).toMatchObject({ type: 'graded', certainty: 'explicit' });
  });

  test('a commissioning that is not an ObjectEvent ADD, and any DELETE, is no registration', () => {
    const base: EpcisEvent = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      bizStep: 'commissioning',
      epcList: ['urn:x'],
    };
    expect(readEventType({ ...base, action: 'OBSERVE' }, 'urn:x', 'tb').type).toBeUndefined();
    expect(readEventType({ ...base, action: 'DELETE' }, 'urn:x', 'tb').type).toBeUndefined();
    const { bizStep: _step, ...unstepped } = base;
    expect(readEventType({ ...unstepped, action: 'ADD' }, 'urn:x', 'tb')).toMatchObject({
      type: 'registered',
      certainty: 'guessed',
    });
  });
});

describe('EPCIS import outcomes', () => {
  test.each([...gs1Examples(), ...foreignFixtures()])(
    '%s: every event has one clear outcome, stones known or not',
    (_, example) => {
      const document = readEpcis(example);
      const count = eventsOf(example).length;
      for (const stones of [new Map<string, string>(), everyEpcKnown(example)]) {
        const { value: outcomes } = sortEvents(document, stones);
        expect(outcomes).toHaveLength(count);
        outcomes.forEach((outcome, index) => {
          expect(outcome.index).toBe(index);
          expect(outcomeNames).toContain(outcome.outcome);
          const event = eventsOf(example)[index] as EpcisEvent;
          if (event.errorDeclaration !== undefined) expect(outcome.outcome).toBe('retracted');
          else if (stones.size === 0) expect(outcome.outcome).not.toBe('attached');
        });
      }
    },
  );

  test("GS1's error declarations are never imported as events, even when their stones are known", () => {
    for (const [, example] of gs1Examples()) {
      const { value: outcomes } = sortEvents(readEpcis(example), everyEpcKnown(example));
      const declared = outcomes.filter(
        (o, i) => (eventsOf(example)[i] as EpcisEvent).errorDeclaration !== undefined,
      );
      for (const outcome of declared) {
        expect(outcome).toMatchObject({ outcome: 'retracted', declaration: true });
        expect(outcome).not.toHaveProperty('attachments');
      }
    }
  });

  test('an EPCISQueryDocument attaches the events naming known stones, by bridge URI and Digital Link', () => {
    const example = foreignFixtures().find(([name]) => name === 'query-document.jsonld')![1];
    const stones = new Map([
      ['https://id.tracebridge.dev/diamond/tb_known_0001', 'tb_known_0001'],
      [normaliseIdentifier('urn:epc:id:sgtin:0614141.107346.2018'), 'tb_known_0002'],
    ]);
    const { value: outcomes, loss } = sortEvents(readEpcis(example), stones);
    expect(outcomes.map((o) => o.outcome)).toEqual(['attached', 'attached', 'no-known-stone']);
    const [shipping, receiving, storing] = outcomes as [EventOutcome, EventOutcome, EventOutcome];
    expect(shipping).toMatchObject({
      outcome: 'attached',
      unknownEpcs: ['urn:epc:id:sgtin:0614141.107346.2017'],
      attachments: [
        {
          stone: 'tb_known_0001',
          event: {
            type: 'shipped',
            at: '2026-03-01T09:30:00.000+02:00',
            platform: 'epcis',
            ref: 'urn:uuid:6a1d8f0e-5b0a-4f7e-9c61-0d0b1c2a3e01',
          },
          certainty: 'explicit',
        },
      ],
    });
    expect(receiving).toMatchObject({
      attachments: [{ stone: 'tb_known_0002', event: { type: 'received' } }],
    });
    expect(storing).toMatchObject({ epcs: ['urn:epc:id:sgtin:9999999.000001.1'] });
    expect(loss).toContainEqual(
      expect.objectContaining({
        pointer: '/epcisBody/queryResults/resultsBody/eventList/2',
        reason: 'about no stone the bridge knows',
      }),
    );
  });

  test('an error declaration retracts its event and the corrective event replaces it', () => {
    const example = foreignFixtures().find(([name]) => name === 'error-declaration.jsonld')![1];
    const stones = new Map([[normaliseIdentifier('urn:epc:id:sgtin:4012345.011111.987'), 'tb_stone_0987']]);
    const { value: outcomes } = sortEvents(readEpcis(example), stones);
    const original = 'urn:uuid:0b7a6c1e-1111-4a51-bd6a-0bba133845a8';
    expect(outcomes[0]).toMatchObject({ outcome: 'retracted', declaration: false, retracts: original });
    expect(outcomes[1]).toMatchObject({
      outcome: 'retracted',
      declaration: true,
      retracts: original,
      reason: 'incorrect_data',
      correctiveEventIDs: ['urn:uuid:0b7a6c1e-2222-4a51-bd6a-0bba133845a8'],
      stones: ['tb_stone_0987'],
    });
    expect(outcomes[2]).toMatchObject({
      outcome: 'attached',
      corrects: [original],
      attachments: [{ stone: 'tb_stone_0987', event: { type: 'shipped' } }],
    });
  });

  test('an error declaration names the event by its CBV 2.0 hash when the event carried no eventID', () => {
    const context = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
    const shipped: EpcisEvent = {
      type: 'ObjectEvent',
      eventTime: '2026-04-01T10:00:00+02:00',
      eventTimeZoneOffset: '+02:00',
      action: 'OBSERVE',
      bizStep: 'shipping',
      epcList: ['https://id.tracebridge.dev/diamond/tb_stone_0042'],
    };
    const hash = eventHash(shipped, context);
    // The declaration writes the hash in upper case and without the version: still the same event.
    const declaredAs = hash.replace(
      /;([0-9a-f]+)\?ver=CBV2\.0$/,
      (_, hex: string) => `;${hex.toUpperCase()}`,
    );
    const declaration: EpcisEvent = {
      ...shipped,
      eventID: declaredAs,
      errorDeclaration: { declarationTime: '2026-04-02T00:00:00Z', reason: 'did_not_occur' },
    };
    const document: EpcisDocument = {
      '@context': context,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate,
      epcisBody: { eventList: [shipped, declaration] },
    };
    const { value: outcomes } = sortEvents(document);
    expect(outcomes.map((o) => o.outcome)).toEqual(['retracted', 'retracted']);
    expect(outcomes[0]).toMatchObject({ eventID: hash, declaration: false });
  });

  test('a sensor inspection is attached but is not a grading; a generic transformation is a guess', () => {
    const example = foreignFixtures().find(([name]) => name === 'sensor-inspection.jsonld')![1];
    const stones = new Map([
      ['https://id.gs1.org/01/04012345111118/21/987', 'tb_stone_0987'],
      ['https://id.gs1.org/01/04012345111118/21/988', 'tb_stone_0988'],
    ]);
    const { value: outcomes, loss } = sortEvents(readEpcis(example), stones);
    const [inspection, transformation, packing] = outcomes;
    expect(inspection).toMatchObject({ outcome: 'attached', attachments: [{ stone: 'tb_stone_0987' }] });
    expect(inspection).not.toHaveProperty('attachments.0.event');
    expect(transformation).toMatchObject({
      attachments: [
        {
          stone: 'tb_stone_0987',
          event: { type: 'split', childIds: ['tb_stone_0988'] },
          certainty: 'guessed',
        },
        {
          stone: 'tb_stone_0988',
          event: { type: 'polished', parentId: 'tb_stone_0987' },
          certainty: 'guessed',
        },
      ],
    });
    expect(packing).toMatchObject({ outcome: 'attached', attachments: [{ stone: 'tb_stone_0988' }] });
    expect(packing).not.toHaveProperty('attachments.0.event');
    expect(loss.filter((e) => e.kind === 'guessed').map((e) => e.pointer)).toEqual([
      '/epcisBody/eventList/1/bizStep',
      '/epcisBody/eventList/1/bizStep',
    ]);
    expect(loss).toContainEqual(
      expect.objectContaining({
        pointer: '/epcisBody/eventList/0',
        kind: 'dropped',
        reason: expect.stringContaining('not one') as unknown,
      }),
    );
  });

  test("the bridge's own export attaches every event to its stones by bridge URI, with nothing guessed", () => {
    const { rough, children } = splitFixture();
    const document = exportHistory(rough, children, { creationDate }).value;
    const { value: outcomes, loss } = sortEvents(JSON.parse(JSON.stringify(document)) as EpcisDocument);
    expect(outcomes.every((o) => o.outcome === 'attached')).toBe(true);
    expect(loss.filter((e) => e.kind === 'guessed')).toEqual([]);
    const byStone = new Map<string, unknown[]>();
    for (const outcome of outcomes) {
      if (outcome.outcome !== 'attached') continue;
      for (const { stone, event } of outcome.attachments)
        byStone.set(stone, [...(byStone.get(stone) ?? []), event]);
    }
    for (const record of [rough, ...children]) expect(byStone.get(record.id!)).toEqual(record.events);
  });

  test('a graded stone exported by the bridge is graded again on import', () => {
    const polished = fixture('graded-polished.json');
    const document = exportHistory(polished, [], { creationDate }).value;
    const { value: outcomes } = sortEvents(document);
    const types = outcomes.flatMap((o) =>
      o.outcome === 'attached' ? o.attachments.map((a) => a.event?.type) : [],
    );
    expect(types).toEqual(polished.events!.map((e) => e.type));
  });
});

describe('EPCIS import with other contexts', () => {
  test("the bridge's namespace under another prefix, CBV URNs and web URIs read the same", () => {
    const example = foreignFixtures().find(([name]) => name === 'curie-grading.jsonld')![1];
    const { value: outcomes, loss } = sortEvents(readEpcis(example));
    const events = outcomes.flatMap((o) =>
      o.outcome === 'attached' ? o.attachments.map((a) => a.event) : [],
    );
    expect(events.map((e) => e?.type)).toEqual(['graded', 'received', 'exported']);
    expect(loss).toContainEqual(
      expect.objectContaining({ pointer: '/epcisBody/eventList/2/bizStep', kind: 'guessed', to: 'exported' }),
    );
    const { value } = importEpcis(readEpcis(example));
    expect(value.events.map((e) => e.type)).toEqual(['graded', 'received', 'exported']);
  });
});
