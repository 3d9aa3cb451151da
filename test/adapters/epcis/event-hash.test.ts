/**
 * The CBV 2.0 event hash: reproduces the published reference values, ignores how an event is serialised,
 * and changes whenever anything the event says changes.
 */
import { describe, expect, test } from 'vitest';
import { eventHash, preHashString, utcMillis } from '../../../src/adapters/epcis/event-hash.js';
import { documentEventHashes, NotAnEpcisDocument } from '../../../src/adapters/epcis/hash-document.js';
import type { EpcisContext, EpcisEvent } from '../../../src/adapters/epcis/types.js';

/**
 * Reference events and their hashes from GS1's reference implementation (github.com/RalphTro/
 * epcis-event-hash-generator, tests/examples: epcisDocWithSingleEvent.jsonld and
 * CertificationInfoAndSensorReportWithCRS.jsonld), with the pre-hash strings it prints.
 */
const singleEvent: EpcisEvent = {
  type: 'ObjectEvent',
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
  eventTime: '2022-02-16T20:33:31.116000-06:00',
  eventTimeZoneOffset: '-06:00',
  readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
  bizTransactionList: [{ type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' }],
};

const sensorContext: EpcisContext = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { cbv: 'https://ref.gs1.org/cbv/' },
  { ext1: 'https://ns.ext.de/epcis/' },
];

const sensorEvent: EpcisEvent = {
  type: 'ObjectEvent',
  eventTime: '2023-01-11T12:00:00+01:00',
  eventTimeZoneOffset: '+01:00',
  certificationInfo: 'https://accreditation-council.example.org/certificate/ABC12345',
  epcList: ['https://id.gs1.de/01/04012345999990/21/XYZ-1234'],
  action: 'OBSERVE',
  bizStep: 'receiving',
  disposition: 'in_progress',
  readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
  sensorElementList: [
    {
      sensorMetadata: {
        time: '2023-01-11T11:05:00Z',
        bizRules: 'https://id.example.com/253/4012345000054987',
        'ext1:someFurtherMetadata': 'metadataText',
      },
      sensorReport: [
        {
          type: 'Dimensionless',
          exception: 'ALARM_CONDITION',
          coordinateReferenceSystem: 'http://www.opengis.net/def/crs/EPSG/0/27700',
          'ext1:someFurtherReportData': 'reportText',
        },
      ],
    },
  ],
};

/** A stone event of the bridge's own, with ILMD and extensions. */
const stoneEvent: EpcisEvent = {
  type: 'ObjectEvent',
  eventTime: '2024-03-05T12:00:00+02:00',
  eventTimeZoneOffset: '+02:00',
  action: 'ADD',
  epcList: ['https://id.tracebridge.dev/diamond/tb_rough_0101'],
  bizStep: 'commissioning',
  disposition: 'active',
  sourceList: [{ type: 'owning_party', source: 'https://id.tracebridge.dev/org/demo-mining' }],
  destinationList: [{ type: 'owning_party', destination: 'https://id.tracebridge.dev/org/acme' }],
  bizTransactionList: [{ type: 'inv', bizTransaction: 'https://id.tracebridge.dev/tx/tracr/0x1a7c' }],
  certificationInfo: 'https://www.gia.edu/report-check?reportno=2141438171',
  ilmd: { 'cbvmda:countryOfOrigin': 'BW', 'tb:roughCaratWeight': 12.345, 'tb:polished': { shape: 'round' } },
  'tb:platform': 'tracr',
  'tb:note': 'first sight',
};
const stoneContext: EpcisContext = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { tb: 'https://ns.tracebridge.dev/epcis/' },
];
const hashOf = (event: unknown): string => eventHash(event as EpcisEvent, stoneContext);

/** The same JSON with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

describe('CBV 2.0 event hash', () => {
  // The reference writes a transaction's type before its identifier since CBV 2.0 (it wrote it after before).
  test('reproduces the reference hash of an ObjectEvent with EPC URIs, a read point and a transaction', () => {
    expect(preHashString(singleEvent)).toBe(
      'eventType=ObjectEventeventTime=2022-02-17T02:33:31.116ZeventTimeZoneOffset=-06:00' +
        'epcListepc=https://id.gs1.org/01/10614141073464/21/2017epc=https://id.gs1.org/01/10614141073464/21/2018' +
        'action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/Disp-in_transit' +
        'readPointid=https://id.gs1.org/414/0614141073467/254/1234' +
        'bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678',
    );
    expect(eventHash(singleEvent)).toBe(
      'ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b?ver=CBV2.0',
    );
  });

  test('reproduces the reference hash of an event with certificationInfo, sensor data and extensions', () => {
    expect(eventHash(sensorEvent, sensorContext)).toBe(
      'ni:///sha-256;765891c0478707141565408cefb87841b7531936188edd0ff0e63e91789b7c09?ver=CBV2.0',
    );
  });

  test('is the same whatever the key order and white space', () => {
    const reordered = JSON.parse(JSON.stringify(reverseKeys(stoneEvent), null, 7)) as EpcisEvent;
    expect(hashOf(reordered)).toBe(hashOf(stoneEvent));
    expect(hashOf({ ...stoneEvent, 'tb:note': '  first sight\n' })).toBe(hashOf(stoneEvent));
  });

  test.each([
    '2024-03-05T10:00:00Z',
    '2024-03-05T10:00:00.000Z',
    '2024-03-05T10:00:00.000000+00:00',
    '2024-03-05T05:30:00-04:30',
    '2024-03-05T12:00:00.0004+02:00',
  ])('is the same when the event time is written as %s', (eventTime) => {
    expect(hashOf({ ...stoneEvent, eventTime })).toBe(hashOf(stoneEvent));
  });

  test('is the same for short, URN and web URI forms of CBV values and for reordered lists', () => {
    const longForm = {
      ...stoneEvent,
      bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
      disposition: 'https://ref.gs1.org/cbv/Disp-active',
      sourceList: [
        { type: 'https://ref.gs1.org/cbv/SDT-owning_party', source: stoneEvent.sourceList![0]!.source },
      ],
    };
    expect(hashOf(longForm)).toBe(hashOf(stoneEvent));
    const epcs = ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'];
    expect(eventHash({ ...singleEvent, epcList: [...epcs].reverse() })).toBe(eventHash(singleEvent));
  });

  test('is the same for an EPC URI and its GS1 Digital Link on any domain', () => {
    const digitalLink = {
      ...singleEvent,
      epcList: [
        'https://example.com/01/10614141073464/21/2017?linkType=all',
        'https://id.gs1.org/01/10614141073464/21/2018',
      ],
    };
    expect(eventHash(digitalLink)).toBe(eventHash(singleEvent));
  });

  test('is the same for a prefixed extension and the same namespace bound to another prefix', () => {
    const renamed = { ...stoneEvent } as Record<string, unknown>;
    delete renamed['tb:note'];
    renamed['x:note'] = 'first sight';
    expect(
      eventHash(
        renamed as EpcisEvent,
        [...(stoneContext as unknown[]), { x: 'https://ns.tracebridge.dev/epcis/' }] as EpcisContext,
      ),
    ).toBe(hashOf(stoneEvent));
  });

  test('leaves out eventID, recordTime and error declarations', () => {
    const recorded = {
      ...stoneEvent,
      eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
      recordTime: '2024-04-01T00:00:00Z',
      errorDeclaration: { declarationTime: '2024-04-02T00:00:00Z', reason: 'incorrect_data' },
    };
    expect(hashOf(recorded)).toBe(hashOf(stoneEvent));
  });

  const changes: [string, Partial<Record<string, unknown>>][] = [
    ['type', { type: 'TransformationEvent' }],
    ['eventTime', { eventTime: '2024-03-05T12:00:00.001+02:00' }],
    ['eventTimeZoneOffset', { eventTimeZoneOffset: '+01:00' }],
    ['action', { action: 'OBSERVE' }],
    ['epcList', { epcList: ['https://id.tracebridge.dev/diamond/tb_rough_0102'] }],
    [
      'an added EPC',
      { epcList: [...stoneEvent.epcList!, 'https://id.tracebridge.dev/diamond/tb_rough_0102'] },
    ],
    ['bizStep', { bizStep: 'shipping' }],
    ['disposition', { disposition: 'in_transit' }],
    ['readPoint', { readPoint: { id: 'https://id.tracebridge.dev/site/jwaneng' } }],
    ['bizLocation', { bizLocation: { id: 'https://id.tracebridge.dev/site/jwaneng' } }],
    ['source', { sourceList: [{ type: 'owning_party', source: 'https://id.tracebridge.dev/org/other' }] }],
    [
      'source type',
      { sourceList: [{ type: 'possessing_party', source: 'https://id.tracebridge.dev/org/demo-mining' }] },
    ],
    [
      'destination',
      { destinationList: [{ type: 'owning_party', destination: 'https://id.tracebridge.dev/org/b' }] },
    ],
    [
      'bizTransaction',
      { bizTransactionList: [{ type: 'inv', bizTransaction: 'https://id.tracebridge.dev/tx/tracr/0x1' }] },
    ],
    [
      'bizTransaction type',
      { bizTransactionList: [{ type: 'po', bizTransaction: 'https://id.tracebridge.dev/tx/tracr/0x1a7c' }] },
    ],
    ['certificationInfo', { certificationInfo: 'https://www.gia.edu/report-check?reportno=2141438172' }],
    ['quantityList', { quantityList: [{ epcClass: 'https://id.tracebridge.dev/lot/7', quantity: 3 }] }],
    ['an ILMD value', { ilmd: { ...stoneEvent.ilmd, 'tb:roughCaratWeight': 12.346 } }],
    ['a nested ILMD value', { ilmd: { ...stoneEvent.ilmd, 'tb:polished': { shape: 'oval' } } }],
    ['an added ILMD attribute', { ilmd: { ...stoneEvent.ilmd, 'tb:mine': 'Jwaneng' } }],
    ['an extension value', { 'tb:platform': 'gia' }],
    ['an added extension', { 'tb:ref': '0x9f' }],
    ['a removed extension', { 'tb:note': undefined }],
  ];

  test.each(changes)('changes when %s changes', (_, change) => {
    const changed = JSON.parse(JSON.stringify({ ...stoneEvent, ...change })) as EpcisEvent;
    expect(hashOf(changed)).not.toBe(hashOf(stoneEvent));
  });

  test('normalises timestamps to UTC milliseconds and keeps what is not one as written', () => {
    expect(utcMillis('2005-04-03T20:33:31.116000-06:00')).toBe('2005-04-04T02:33:31.116Z');
    expect(utcMillis('2024-01-01T00:00:00.9996Z')).toBe('2024-01-01T00:00:01.000Z');
    expect(utcMillis('yesterday')).toBeUndefined();
  });

  test.each([
    ['2023-02-02T11:04:03.1415Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.1414999Z', '2023-02-02T11:04:03.141Z'],
    ['2023-02-02T11:04:03.0005Z', '2023-02-02T11:04:03.001Z'],
    ['2023-12-31T23:59:59.9995Z', '2024-01-01T00:00:00.000Z'],
    ['2023-02-02T11:04:03.1Z', '2023-02-02T11:04:03.100Z'],
    ['2023-02-02T11:04:03+0530', '2023-02-02T05:34:03.000Z'],
    ['2023-02-02T11:04:03-06', '2023-02-02T17:04:03.000Z'],
  ])('rounds the timestamp %s on its fourth decimal, half up, to %s', (written, expected) => {
    expect(utcMillis(written)).toBe(expected);
  });

  test('leaves comments out, as rdfs:comment, plain comment or under another prefix, at any depth', () => {
    const commented = {
      ...stoneEvent,
      'rdfs:comment': 'observed at the sorting house',
      comment: 'a note',
      ilmd: { ...stoneEvent.ilmd, 'r:comment': 'inside the ILMD' },
    };
    const context = [...(stoneContext as unknown[]), { r: 'http://www.w3.org/2000/01/rdf-schema#' }];
    expect(eventHash(commented as EpcisEvent, context as EpcisContext)).toBe(hashOf(stoneEvent));
  });

  test('leaves out the fields a document lists under ignoreFields, whatever prefix names them', () => {
    const stored = { ...stoneEvent, 'tb:storedHash': 'ni:///sha-256;00?ver=CBV2.0', 'repo:captureID': 'c-1' };
    const context = [
      ...(stoneContext as unknown[]),
      { repo: 'https://repo.example/', alias: 'https://ns.tracebridge.dev/epcis/' },
    ];
    const ignore = ['alias:storedHash', 'repo:captureID'];
    expect(eventHash(stored, context as EpcisContext, { ignore })).toBe(hashOf(stoneEvent));
    expect(eventHash(stored, context as EpcisContext)).not.toBe(hashOf(stoneEvent));
    const selfDeclared = { ...stored, 'repo:ignoreFields': ignore };
    expect(eventHash(selfDeclared, context as EpcisContext)).toBe(hashOf(stoneEvent));
  });

  test('expands GS1 vocabulary CURIEs in values and keeps other CURIEs as written', () => {
    const curies = { ...singleEvent, bizStep: 'cbv:BizStep-shipping', 'tb:grade': 'tb:excellent' };
    const bare = { ...singleEvent, 'tb:grade': 'tb:excellent' };
    expect(eventHash(curies, stoneContext)).toBe(eventHash(bare, stoneContext));
    expect(preHashString(bare, stoneContext)).toContain(
      '{https://ns.tracebridge.dev/epcis/}grade=tb:excellent',
    );
  });

  test('writes an undeclared cbvmda prefix as the reference does, and a declared one as declared', () => {
    const event = { ...singleEvent, ilmd: { 'cbvmda:lotNumber': 'LOT1' } };
    expect(preHashString(event)).toContain('{urn:epcglobal:cbv:mda}lotNumber=LOT1');
    expect(preHashString(event, [{ cbvmda: 'urn:epcglobal:cbv:mda:' }])).toContain(
      '{urn:epcglobal:cbv:mda:}lotNumber=LOT1',
    );
  });
});

describe('the event hashes of a whole document', () => {
  const document = {
    '@context': stoneContext,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-03-06T00:00:00Z',
  };

  test('hashes every event of an EPCISDocument in document order', () => {
    const hashes = documentEventHashes({ ...document, epcisBody: { eventList: [stoneEvent, singleEvent] } });
    expect(hashes.map((entry) => entry.hash)).toEqual([
      hashOf(stoneEvent),
      eventHash(singleEvent, stoneContext),
    ]);
    expect(hashes[0]!.preHash).toBe(preHashString(stoneEvent, stoneContext));
  });

  test('hashes the events of an EPCISQueryDocument and honours ignoreFields on its query results', () => {
    const stored = { ...stoneEvent, 'tb:storedHash': 'x' };
    const query = {
      ...document,
      type: 'EPCISQueryDocument',
      epcisBody: {
        queryResults: {
          queryName: 'SimpleEventQuery',
          'tb:ignoreFields': ['tb:storedHash'],
          resultsBody: { eventList: [stored] },
        },
      },
    };
    expect(documentEventHashes(query).map((entry) => entry.hash)).toEqual([hashOf(stoneEvent)]);
  });

  test.each([
    [[], 'expected a JSON object'],
    [
      { type: 'DiamondRecord' },
      '/type: expected "EPCISDocument" or "EPCISQueryDocument", got "DiamondRecord"',
    ],
    [{ type: 'EPCISDocument' }, '/epcisBody: expected an object'],
    [
      { type: 'EPCISDocument', epcisBody: { eventList: {} } },
      '/epcisBody/eventList: expected a list of events',
    ],
    [
      { type: 'EPCISQueryDocument', epcisBody: { eventList: [] } },
      '/epcisBody/queryResults/resultsBody/eventList',
    ],
    [
      { type: 'EPCISDocument', epcisBody: { eventList: [{ eventTime: 'x' }] } },
      '/epcisBody/eventList/0/type',
    ],
  ])('refuses %j, naming the field', (input, message) => {
    expect(() => documentEventHashes(input)).toThrow(NotAnEpcisDocument);
    expect(() => documentEventHashes(input)).toThrow(message);
  });
});
