/**
 * EPCIS documents read back: the bridge's own exports round-trip, and documents from other systems (GS1's
 * examples, which are not about diamonds) import without error, with what has no canonical home reported.
 */
import { describe, expect, test } from 'vitest';
import { epcisAdapter } from '../../../src/adapters/epcis/index.js';
import { exportHistory } from '../../../src/adapters/epcis/export.js';
import { importEpcis } from '../../../src/adapters/epcis/import.js';
import { readEpcis } from '../../../src/adapters/epcis/transform.js';
import { MappingError } from '../../../src/mapping/errors.js';
import type { EpcisEvent } from '../../../src/adapters/epcis/types.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { fixture, gs1Examples, splitFixture } from './support.js';

const creationDate = '2024-06-01T00:00:00.000Z';

/** A GS1 example with its error declarations removed: the events as first captured. */
function withoutDeclarations(example: Record<string, unknown>): Record<string, unknown> {
  const body = example.epcisBody as { eventList: EpcisEvent[] };
  const eventList = body.eventList.map(({ errorDeclaration: _declaration, ...event }) => event);
  return { ...example, epcisBody: { ...body, eventList } };
}

describe('EPCIS import', () => {
  const rough = fixture('rough-sold.json');
  const polished = fixture('graded-polished.json');
  const { rough: splitRough, children } = splitFixture();

  test.each([
    ['a rough with registration, sale and transfer', rough],
    ['a graded and inscribed polished stone', polished],
    ['a split rough', splitRough],
  ] as [string, DiamondRecord][])(
    '%s keeps type, time, actor, parties and platform refs of every event',
    (_, record) => {
      const document = exportHistory(record, [], { creationDate }).value;
      expect(importEpcis(document).value.events).toEqual(record.events);
    },
  );

  test('the whole record survives canonical -> EPCIS -> canonical, bar the sync bookkeeping', () => {
    for (const record of [rough, polished, splitRough]) {
      const { value: document } = epcisAdapter.fromCanonical(record);
      const { value: back } = epcisAdapter.toCanonical(
        epcisAdapter.readNative!(JSON.parse(JSON.stringify(document))),
      );
      const { sources: _sources, ...content } = record;
      expect(back).toEqual(content);
    }
  });

  test('events the export inferred come back as lineage and master data, never as history', () => {
    const { events: _events, ...record } = polished;
    const child: DiamondRecord = { ...record, lineage: { parentId: 'tb_rough_0101' } };
    const { sources: _sources, ...content } = child;
    const document = exportHistory(child, [], { creationDate }).value;
    const { value } = importEpcis(JSON.parse(JSON.stringify(document)) as typeof document);
    expect(value.events).toEqual([]);
    expect(value.record).toEqual(content);
  });

  test('a document with relatives imports the history of the stone it starts with', () => {
    const document = exportHistory(splitRough, children, { creationDate }).value;
    const { value, loss } = importEpcis(document);
    expect(value.record?.id).toBe('tb_rough_0202');
    expect(value.record?.lineage).toEqual({ childIds: ['tb_cut_0202a', 'tb_cut_0202b', 'tb_cut_0202c'] });
    // The children's polishing events are about other stones: reported, not mixed into this history.
    expect(loss.filter((e) => e.reason.startsWith('the event is not about'))).toHaveLength(3);
  });

  test('a relative can be chosen as the stone to import', () => {
    const document = exportHistory(splitRough, children, { creationDate }).value;
    const stone = 'https://id.tracebridge.dev/diamond/tb_cut_0202b';
    const { value } = importEpcis(document, { stone });
    // Its history starts where it comes out of polishing; the split belongs to the rough's history.
    expect(value.record).toEqual(children[1]);
  });

  test.each(gs1Examples())('GS1 example %s imports without error', (_, example) => {
    const { value, loss } = importEpcis(readEpcis(example));
    const eventList = (example.epcisBody as { eventList: EpcisEvent[] }).eventList;
    if (eventList.some((e) => e.errorDeclaration === undefined)) expect(value.stone).toBeDefined();
    for (const event of value.events) expect(event.platform).toBe('epcis');
    expect(
      value.events.length + loss.filter((e) => /^\/epcisBody\/eventList\/\d+$/.test(e.pointer)).length,
    ).toBe((example.epcisBody as { eventList: unknown[] }).eventList.length);
  });

  test("GS1's shipping and receiving example becomes shipped with the EPCIS event ID as its ref", () => {
    const [, example] = gs1Examples().find(([name]) => name.includes('9.6.1'))!;
    const { value } = importEpcis(readEpcis(example));
    expect(value.events[0]).toEqual({
      type: 'shipped',
      at: '2005-04-03T20:33:31.116000-06:00',
      platform: 'epcis',
      ref: 'ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0',
    });
  });

  test('error declarations in GS1 examples are retractions, never imported as events', () => {
    for (const [name, example] of gs1Examples().filter(([n]) => n.includes('all_possible_fields'))) {
      const { value, loss } = importEpcis(readEpcis(example));
      expect(value.events, name).toEqual([]);
      expect(loss[0]?.reason, name).toMatch(
        /^an error declaration \(incorrect_data\) retracting \S+, not an event of its own/,
      );
    }
  });

  test('unknown event types and business steps are loss entries, not errors', () => {
    const [, example] = gs1Examples().find(([name]) => name.startsWith('examples-aggregation'))!;
    const packing = withoutDeclarations(example);
    const [aggregation] = (packing.epcisBody as { eventList: EpcisEvent[] }).eventList;
    aggregation!.bizStep = 'packing';
    const { value, loss } = importEpcis(readEpcis(packing));
    expect(value.events).toEqual([]);
    expect(loss).toContainEqual(
      expect.objectContaining({
        pointer: '/epcisBody/eventList/0',
        kind: 'dropped',
        reason: expect.stringContaining('AggregationEvent') as unknown,
      }),
    );
  });

  test('sensor data and foreign extensions of GS1 examples are reported as dropped', () => {
    const [, example] = gs1Examples().find(([name]) => name.startsWith('examples-object_event'))!;
    const { value, loss } = importEpcis(readEpcis(withoutDeclarations(example)));
    const pointers = loss.map((e) => e.pointer);
    // Received, not graded or registered; what has no canonical field is kept for the round trip.
    expect(value.events.map((e) => e.type)).toEqual(['received']);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/epcisBody/eventList/0/sensorElementList',
        '/epcisBody/eventList/0/ext1:float',
        '/epcisBody/eventList/0/ilmd/cbvmda:lotNumber',
      ]),
    );
  });

  test('a document that describes no stone is refused by toCanonical naming what is missing', () => {
    const [, example] = gs1Examples().find(([name]) => name.includes('9.6.1'))!;
    expect(() => epcisAdapter.toCanonical(readEpcis(example))).toThrow(MappingError);
    expect(() => epcisAdapter.toCanonical(readEpcis(example))).toThrow(/tb:roughCaratWeight/);
  });

  test('a bare event is read as a one-event document', () => {
    const [registration] = exportHistory(rough, [], { creationDate }).value.epcisBody.eventList;
    const document = readEpcis({
      ...registration,
      '@context': [
        'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
        { tb: 'https://ns.tracebridge.dev/epcis/' },
      ],
    });
    const { value } = epcisAdapter.toCanonical(document);
    expect(value).toMatchObject({
      id: 'tb_rough_0101',
      kind: 'rough',
      rough: { caratWeight: 12.345 },
      origin: { country: 'BW' },
    });
  });

  test.each([
    ['a list', [], ''],
    ['a document without an event list', { type: 'EPCISDocument', epcisBody: {} }, '/epcisBody/eventList'],
    ['something else', { type: 'Invoice' }, '/type'],
    [
      'a query document without results',
      { type: 'EPCISQueryDocument', epcisBody: { queryResults: {} } },
      '/epcisBody/queryResults/resultsBody/eventList',
    ],
    [
      'an event whose eventTime is not a time',
      { type: 'EPCISDocument', epcisBody: { eventList: [{ type: 'ObjectEvent', eventTime: 'yesterday' }] } },
      '/epcisBody/eventList/0/eventTime',
    ],
    [
      'an event whose epcList is not a list of URIs',
      {
        type: 'EPCISDocument',
        epcisBody: { eventList: [{ type: 'ObjectEvent', eventTime: '2026-01-01T00:00:00Z', epcList: 'x' }] },
      },
      '/epcisBody/eventList/0/epcList',
    ],
  ])('refuses %s naming the field', (_, input, pointer) => {
    expect(() => readEpcis(input)).toThrow(expect.objectContaining({ pointer }) as Error);
  });
});
