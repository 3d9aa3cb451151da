/**
 * Canonical histories exported as EPCIS 2.0: every document validates against GS1's own JSON Schema, and
 * each trade act lands on the EPCIS construct a third-party repository expects.
 */
import { describe, expect, test } from 'vitest';
import { exportHistory } from '../../../src/adapters/epcis/export.js';
import { eventHash } from '../../../src/adapters/epcis/event-hash.js';
import type { EpcisEvent } from '../../../src/adapters/epcis/types.js';
import { stoneEpcOf } from '../../../src/adapters/epcis/vocab.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { epcisSchemaErrors, fixture, splitFixture } from './support.js';

const creationDate = '2024-06-01T00:00:00.000Z';
const events = (record: DiamondRecord, relatives: DiamondRecord[] = []): EpcisEvent[] =>
  exportHistory(record, relatives, { creationDate }).value.epcisBody.eventList;

describe('EPCIS export', () => {
  const rough = fixture('rough-sold.json');
  const { rough: splitRough, children } = splitFixture();
  const polished = fixture('graded-polished.json');

  test.each([
    ['a rough with registration, sale and transfer', rough, []],
    ['a split rough with its three polished stones', splitRough, children],
    ['a graded and inscribed polished stone', polished, []],
  ] as [string, DiamondRecord, DiamondRecord[]][])(
    '%s validates against GS1 EPCIS-JSON-Schema',
    (_, record, relatives) => {
      const document = exportHistory(record, relatives, { creationDate }).value;
      expect(epcisSchemaErrors(document)).toEqual([]);
      expect(document).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0', creationDate });
      expect((document['@context'] as unknown[])[0]).toBe(
        'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      );
    },
  );

  test('registration is a commissioning ADD with origin, weight and identifiers in its ILMD', () => {
    const [registration] = events(rough);
    expect(registration).toMatchObject({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: ['https://id.tracebridge.dev/diamond/tb_rough_0101'],
      eventTime: '2024-03-01T09:30:00Z',
      eventTimeZoneOffset: '+00:00',
      ilmd: {
        'cbvmda:countryOfOrigin': 'BW',
        'tb:mine': 'Jwaneng',
        'tb:producer': 'Demo Mining Ltd',
        'tb:roughCaratWeight': 12.345,
        'tb:tracrId': 'TRC-7Q2M9K',
        'tb:kpCertificate': 'BW 104233',
      },
      'tb:platform': 'tracr',
      'tb:ref': '0x9f2c41d7',
    });
  });

  test('a sale moves ownership between org URIs and names the ledger transaction', () => {
    const sale = events(rough)[1]!;
    expect(sale).toMatchObject({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      eventTimeZoneOffset: '+02:00',
      sourceList: [{ type: 'owning_party', source: 'https://id.tracebridge.dev/org/demo-mining' }],
      destinationList: [
        { type: 'owning_party', destination: 'https://id.tracebridge.dev/org/Antwerp%20Cutting%20Works' },
      ],
      bizTransactionList: [{ type: 'inv', bizTransaction: 'https://id.tracebridge.dev/tx/tracr/0x1a7c0e55' }],
    });
    expect(sale).not.toHaveProperty('ilmd');
  });

  test('a split is one TransformationEvent from the rough to its polished stones', () => {
    const exported = events(splitRough, children);
    const splits = exported.filter((e) => e['tb:eventType'] === 'split');
    expect(splits).toHaveLength(1);
    expect(splits[0]).toMatchObject({
      type: 'TransformationEvent',
      inputEPCList: [stoneEpcOf('tb_rough_0202')],
      outputEPCList: ['tb_cut_0202a', 'tb_cut_0202b', 'tb_cut_0202c'].map(stoneEpcOf),
    });
    // Each polished stone then comes out of its own polishing step, carrying its own master data.
    const polishing = exported.filter((e) => e['tb:eventType'] === 'polished');
    expect(polishing.map((e) => e.outputEPCList)).toEqual(children.map((c) => [stoneEpcOf(c.id!)]));
    expect(polishing[2]!.ilmd).toMatchObject({
      'tb:kind': 'polished',
      'tb:polished': { shape: 'pear', caratWeight: 0.734 },
    });
  });

  test('events of the stone and its relatives come out in time order', () => {
    const times = events(splitRough, children).map((e) => Date.parse(e.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('grading is an inspection carrying the GIA report as certificationInfo', () => {
    const graded = events(polished).find((e) => e.bizStep === 'inspecting')!;
    expect(graded).toMatchObject({
      certificationInfo: 'https://www.gia.edu/report-check?reportno=2141438171',
      'tb:lab': 'GIA',
      'tb:reportNumber': '2141438171',
      'tb:reportDate': '2019-09-01',
      'tb:reportType': 'Diamond Dossier',
    });
  });

  test('a graded stone whose history lacks its registration keeps the report on the graded event', () => {
    const { events: history = [], ...record } = polished;
    const gradedOnly = { ...record, events: history.filter((e) => e.type === 'graded') };
    const exported = events(gradedOnly);
    const graded = exported.find((e) => e.bizStep === 'inspecting')!;
    expect(graded).toMatchObject({ 'tb:lab': 'GIA', 'tb:reportNumber': '2141438171' });
    // The events the export infers (the cutting that brought the stone into being) are not the grading.
    expect(exported.filter((e) => e !== graded && 'tb:lab' in e)).toEqual([]);
  });

  test('an inscription is an encoding step leaving the stone encoded', () => {
    const inscribed = events(polished).find((e) => e['tb:eventType'] === 'inscribed')!;
    expect(inscribed).toMatchObject({ type: 'ObjectEvent', bizStep: 'encoding', disposition: 'encoded' });
  });

  test('every eventID is the CBV 2.0 hash of the event it identifies', () => {
    const document = exportHistory(polished, [], { creationDate }).value;
    for (const { eventID, ...event } of document.epcisBody.eventList) {
      expect(eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      expect(eventHash(event as EpcisEvent, document['@context'])).toBe(eventID);
    }
  });

  test('exporting the same history twice gives the same event IDs', () => {
    const ids = (): string[] => events(rough).map((e) => e.eventID!);
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(3);
  });

  test('the bridge bookkeeping with no EPCIS home is reported as dropped', () => {
    const { loss } = exportHistory(rough, [], { creationDate });
    expect(loss).toContainEqual(expect.objectContaining({ pointer: '/sources', kind: 'dropped' }));
  });

  test('master data with no registration to carry it is stated by an inferred commissioning, reported as guessed', () => {
    const bare: DiamondRecord = { ...rough, events: [rough.events![1]!] };
    const { value, loss } = exportHistory(bare, [], { creationDate });
    const [commissioning] = value.epcisBody.eventList;
    expect(commissioning).toMatchObject({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      eventTime: bare.events![0]!.at,
      'tb:inferred': true,
      ilmd: { 'tb:roughCaratWeight': 12.345, 'cbvmda:countryOfOrigin': 'BW', 'tb:tracrId': 'TRC-7Q2M9K' },
    });
    expect(loss).toContainEqual(expect.objectContaining({ pointer: '/events', kind: 'guessed' }));
    expect(epcisSchemaErrors(value)).toEqual([]);
  });

  test('a polished stone with a parent and no polishing event emits the transformation from its parent', () => {
    const { events: _events, ...record } = polished;
    const child: DiamondRecord = { ...record, lineage: { parentId: 'tb_rough_0101' } };
    const { value, loss } = exportHistory(child, [], { creationDate });
    const [cutting] = value.epcisBody.eventList;
    expect(cutting).toMatchObject({
      type: 'TransformationEvent',
      inputEPCList: [stoneEpcOf('tb_rough_0101')],
      outputEPCList: [stoneEpcOf(child.id!)],
      'tb:eventType': 'polished',
      certificationInfo: 'https://www.gia.edu/report-check?reportno=2141438171',
      ilmd: { 'tb:polished': child.polished, 'tb:grading': child.grading },
    });
    expect(value.epcisBody.eventList).toHaveLength(1);
    expect(loss).toContainEqual(
      expect.objectContaining({ pointer: '/lineage/parentId', kind: 'guessed', to: creationDate }),
    );
    expect(epcisSchemaErrors(value)).toEqual([]);
  });

  test('a rough with children and no split event emits one transformation to the children it lacks', () => {
    const { events, ...record } = splitRough;
    const unsplit: DiamondRecord = { ...record, events: events!.filter((e) => e.type !== 'split') };
    const eventList = exportHistory(unsplit, [], { creationDate }).value.epcisBody.eventList;
    const splits = eventList.filter((e) => e.type === 'TransformationEvent');
    expect(splits).toEqual([
      expect.objectContaining({
        inputEPCList: [stoneEpcOf('tb_rough_0202')],
        outputEPCList: ['tb_cut_0202a', 'tb_cut_0202b', 'tb_cut_0202c'].map(stoneEpcOf),
        eventTime: '2024-02-01T10:00:00+01:00',
      }),
    ]);
  });

  test('a history that already tells its lineage gets no inferred events', () => {
    const eventList = exportHistory(splitRough, children, { creationDate }).value.epcisBody.eventList;
    expect(eventList.filter((e) => e['tb:inferred'] === true)).toEqual([]);
  });

  test("the document declares every prefix its events use, so a reader's event hash matches the eventID", () => {
    const document = exportHistory(polished, [], { creationDate }).value;
    const declared = Object.keys((document['@context'] as [string, Record<string, string>])[1]);
    const used = new Set(
      JSON.stringify(document.epcisBody)
        .match(/"([a-z][a-zA-Z0-9]*):[^/"]/g)!
        .map((m) => m.slice(1, m.indexOf(':'))),
    );
    for (const prefix of used)
      if (!['https', 'http', 'urn', 'ni'].includes(prefix)) expect(declared).toContain(prefix);
    expect(declared).toContain('cbvmda');
    for (const event of document.epcisBody.eventList) {
      const { eventID, ...content } = event;
      expect(eventHash(content as EpcisEvent, document['@context'])).toBe(eventID);
    }
  });

  test('a stone without a bridge ID is named by its Tracr ID', () => {
    const { id: _id, ...anonymous } = rough;
    expect(events(anonymous)[0]!.epcList).toEqual(['https://id.tracebridge.dev/diamond/tracr/TRC-7Q2M9K']);
  });
});
