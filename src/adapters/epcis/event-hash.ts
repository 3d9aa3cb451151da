/**
 * The CBV 2.0 EPCIS event hash (CBV 2.0 section 8.9; GS1's reference "EPCIS event hash generator"): a
 * fingerprint of what an event says, the same whatever its serialisation (key order, white space, the
 * offset a timestamp is written in, short or full vocabulary names, EPC URI or Digital Link), and different
 * as soon as any value changes. The bridge uses it as each exported event's `eventID`, so that exporting the
 * same history twice yields the same IDs and an EPCIS repository can drop the duplicates.
 *
 * The pre-hash string concatenates `key=value` pieces, without separators, in the canonical property order
 * the reference uses today (destinations before sources; a transaction's, source's or destination's type
 * before its identifier); list members are sorted; `recordTime`, `eventID` and `errorDeclaration` are left
 * out (they change when an event is recorded or corrected, not what it says), as are RDF comments and the
 * fields a document lists under `ignoreFields`; ILMD and user extensions follow, keys written as
 * `{namespace}localName`, sorted. Values are written by `hash-values.ts`, identifiers by `digital-link.ts`.
 */
import { createHash } from 'node:crypto';
import { normaliseIdentifier } from './digital-link.js';
import { HashNamespaces, ignoreFieldsOf } from './hash-namespaces.js';
import {
  asArray,
  asRecord,
  byCodeUnit,
  cbvUrnAsWebUri,
  isDecimal,
  numeric,
  text,
  utcMillis,
} from './hash-values.js';
import type { EpcisContext, EpcisEvent } from './types.js';
import { cbvRoot } from './vocab.js';

export { contextPrefixes } from './hash-namespaces.js';
export { utcMillis } from './hash-values.js';

/** The hash algorithm version this module implements, as written after `?ver=`. */
export const eventHashVersion = 'CBV2.0';

/** What the enclosing document tells the hash beyond the event itself. */
export interface PreHashOptions {
  /**
   * Member names (CURIEs under the document's prefixes, or `{namespace}local`) the document asks hashers to
   * leave out: a repository's `ignoreFields` convention. {@link documentEventHashes} reads them for you.
   */
  ignore?: readonly string[];
}

/** `ni:///sha-256;<hex>?ver=CBV2.0` for `event`; `context` is the enclosing document's `@context`. */
export function eventHash(event: EpcisEvent, context?: EpcisContext, options: PreHashOptions = {}): string {
  return hashOfPreHash(preHashString(event, context, options));
}

/** `ni:///sha-256;<hex>?ver=CBV2.0` for a pre-hash string. */
export function hashOfPreHash(preHash: string): string {
  const digest = createHash('sha256').update(preHash, 'utf8').digest('hex');
  return `ni:///sha-256;${digest}?ver=${eventHashVersion}`;
}

/** The canonical pre-hash string of `event`: what {@link eventHash} digests. */
export function preHashString(
  event: EpcisEvent,
  context?: EpcisContext,
  options: PreHashOptions = {},
): string {
  // An event may carry the ignore convention itself, as a document, its body or its query results may.
  const ignore = [...(options.ignore ?? []), ...ignoreFieldsOf(event)];
  const namespaces = new HashNamespaces([context, event['@context']], ignore);
  return new PreHash(namespaces).event(event);
}

/** Standard event members, in canonical order, with how each is written. */
type Writer = (hasher: PreHash, value: unknown) => string;

const epcs =
  (name: string): Writer =>
  (h, value) =>
    list(
      name,
      asArray(value).map((epc) => `epc=${h.value(epc)}`),
    );

const quantities =
  (name: string): Writer =>
  (h, value) =>
    list(
      name,
      asArray(value).map((q) => `quantityElement${h.ordered(asRecord(q), ['epcClass', 'quantity', 'uom'])}`),
    );

const vocab =
  (kind: string): Writer =>
  (h, value) =>
    h.vocab(value, kind);

/** bizTransaction, source, destination: the type first, then the identifier (CBV 2.0 as the reference reads it). */
const typed =
  (name: string, member: string, kind: string): Writer =>
  (h, value) =>
    list(
      name,
      asArray(value).map((item) => {
        const entry = asRecord(item);
        const type = entry.type === undefined ? '' : `type=${h.vocab(entry.type, kind)}`;
        return `${type}${member}=${h.value(entry[member])}`;
      }),
    );

const place: Writer = (h, value) => {
  const { id, ...extensions } = asRecord(value);
  return `id=${h.value(id)}${h.extensions(extensions)}`;
};

const sensorMetadataOrder = [
  'time',
  'startTime',
  'endTime',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
];
const sensorReportOrder = [
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'time',
  'microorganism',
  'chemicalSubstance',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
  'coordinateReferenceSystem',
];

const sensorElements: Writer = (h, value) =>
  list(
    'sensorElementList',
    asArray(value).map((item) => {
      const { sensorMetadata, sensorReport, ...extensions } = asRecord(item);
      const metadata =
        sensorMetadata === undefined
          ? ''
          : `sensorMetadata${h.ordered(asRecord(sensorMetadata), sensorMetadataOrder, true)}`;
      const reports = asArray(sensorReport)
        .map((report) => `sensorReport${h.ordered(asRecord(report), sensorReportOrder, true)}`)
        .sort(byCodeUnit)
        .join('');
      return `sensorElement${metadata}${reports}${h.extensions(extensions)}`;
    }),
  );

const persistentDisposition: Writer = (h, value) => {
  const { set, unset } = asRecord(value);
  const part = (name: string, values: unknown): string =>
    asArray(values)
      .map((v) => `${name}=${h.vocab(v, 'Disp')}`)
      .sort(byCodeUnit)
      .join('');
  return `persistentDisposition${part('set', set)}${part('unset', unset)}`;
};

const canonicalOrder: [string, Writer][] = [
  ['eventTime', (h, v) => `eventTime=${h.time(v)}`],
  ['eventTimeZoneOffset', (h, v) => `eventTimeZoneOffset=${text(v)}`],
  [
    'certificationInfo',
    (h, v) =>
      asArray(v)
        .map((uri) => `certificationInfo=${h.value(uri)}`)
        .sort(byCodeUnit)
        .join(''),
  ],
  ['epcList', epcs('epcList')],
  ['parentID', (h, v) => `parentID=${h.value(v)}`],
  ['inputEPCList', epcs('inputEPCList')],
  ['childEPCs', epcs('childEPCs')],
  ['quantityList', quantities('quantityList')],
  ['childQuantityList', quantities('childQuantityList')],
  ['inputQuantityList', quantities('inputQuantityList')],
  ['outputEPCList', epcs('outputEPCList')],
  ['outputQuantityList', quantities('outputQuantityList')],
  ['action', (h, v) => `action=${text(v)}`],
  ['transformationID', (h, v) => `transformationID=${h.value(v)}`],
  ['bizStep', (h, v) => `bizStep=${vocab('BizStep')(h, v)}`],
  ['disposition', (h, v) => `disposition=${vocab('Disp')(h, v)}`],
  ['persistentDisposition', persistentDisposition],
  ['readPoint', (h, v) => `readPoint${place(h, v)}`],
  ['bizLocation', (h, v) => `bizLocation${place(h, v)}`],
  ['bizTransactionList', typed('bizTransactionList', 'bizTransaction', 'BTT')],
  // The reference's published hashes write destinations before sources.
  ['destinationList', typed('destinationList', 'destination', 'SDT')],
  ['sourceList', typed('sourceList', 'source', 'SDT')],
  ['sensorElementList', sensorElements],
];

/** Members that never enter the hash: the type is written first, the others change without the event changing. */
const excluded = new Set(['type', '@context', 'eventID', 'recordTime', 'errorDeclaration']);

/** Sensor report values written as bare GS1 Web Vocabulary terms (`Temperature`, `ALARM_CONDITION`). */
const gs1VocabMembers = new Set(['type', 'exception']);
const bareTerm = /^[A-Za-z][\w-]*$/;
/** Where the EPCIS 2.0 JSON-LD context puts bare sensor terms, whatever a document binds `gs1:` to. */
const gs1Vocabulary = 'https://gs1.org/voc/';

class PreHash {
  constructor(private readonly namespaces: HashNamespaces) {}

  event(event: EpcisEvent): string {
    let out = `eventType=${text(event.type)}`;
    const standard = new Set(canonicalOrder.map(([name]) => name));
    for (const [name, write] of canonicalOrder) {
      if (event[name] !== undefined && event[name] !== null) out += write(this, event[name]);
    }
    const rest = Object.entries(event).filter(([name]) => !standard.has(name) && !excluded.has(name));
    return out + this.extensions(Object.fromEntries(rest));
  }

  /** Named members in a fixed order, then (when `extensible`) the namespaced members that follow them. */
  ordered(record: Record<string, unknown>, order: string[], extensible = false): string {
    let out = '';
    for (const name of order) {
      const value = record[name];
      if (value === undefined || value === null) continue;
      if (/time/i.test(name)) out += `${name}=${this.time(value)}`;
      else if (gs1VocabMembers.has(name) && typeof value === 'string' && bareTerm.test(value))
        out += `${name}=${gs1Vocabulary}${value}`;
      else if (name === 'component' && typeof value === 'string' && /^\w+$/.test(value))
        out += `${name}=${cbvRoot}Comp-${value}`;
      else out += `${name}=${this.value(value)}`;
    }
    if (!extensible) return out;
    const rest = Object.entries(record).filter(([name]) => !order.includes(name));
    return out + this.extensions(Object.fromEntries(rest));
  }

  /** ILMD and user extensions: every member as `{namespace}local[=value]` with its children, sorted. */
  extensions(members: Record<string, unknown>): string {
    return Object.entries(members)
      .filter(([key]) => !this.namespaces.isIgnored(key))
      .flatMap(([key, value]) => this.generic(key, value))
      .sort(byCodeUnit)
      .join('');
  }

  private generic(key: string, value: unknown): string[] {
    if (key.startsWith('@') || key === '#text') return [];
    const name = this.namespaces.expandName(key);
    if (Array.isArray(value)) return value.flatMap((item) => this.generic(key, item));
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const inner = typeof record['#text'] === 'string' ? `=${this.value(record['#text'])}` : '';
      return [`${name}${inner}${this.extensions(record)}`];
    }
    const written = value === null || value === undefined ? '' : this.value(value);
    return [written === '' ? name : `${name}=${written}`];
  }

  /** A plain value: trimmed, CBV URNs as web URIs, numbers without trailing zeros, identifiers canonical. */
  value(value: unknown): string {
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') return numeric(value);
    const written = cbvUrnAsWebUri(text(value));
    if (isDecimal(written)) return numeric(Number(written));
    return normaliseIdentifier(this.namespaces.expandValue(written));
  }

  /** A CBV vocabulary value: a bare short name (`shipping`) as its web URI, anything else as a value. */
  vocab(value: unknown, kind: string): string {
    const written = text(value);
    return /^[a-z][a-z_]*$/.test(written) ? `${cbvRoot}${kind}-${written}` : this.value(written);
  }

  /** A timestamp in UTC with millisecond precision; a value that is not one is kept as written. */
  time(value: unknown): string {
    return utcMillis(text(value)) ?? text(value);
  }
}

function list(name: string, members: string[]): string {
  return members.length === 0 ? '' : name + members.sort(byCodeUnit).join('');
}
