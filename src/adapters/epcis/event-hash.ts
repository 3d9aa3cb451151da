/**
 * The CBV 2.0 EPCIS event hash (CBV 2.0 section 8.9; GS1's reference "EPCIS event hash generator"): a
 * fingerprint of what an event says, the same whatever its serialisation (key order, white space, the
 * offset a timestamp is written in, short or full vocabulary names, EPC URI or Digital Link), and different
 * as soon as any value changes. The bridge uses it as each exported event's `eventID`, so that exporting the
 * same history twice yields the same IDs and an EPCIS repository can drop the duplicates.
 *
 * The pre-hash string concatenates `key=value` pieces, without separators, in the canonical property order;
 * list members are sorted; `recordTime`, `eventID` and `errorDeclaration` are left out (they change when an
 * event is recorded or corrected, not what it says); ILMD and user extensions follow, keys written as
 * `{namespace}localName`, sorted.
 */
import { createHash } from 'node:crypto';
import { normaliseIdentifier } from './digital-link.js';
import type { EpcisContext, EpcisEvent } from './types.js';
import { cbvRoot } from './vocab.js';

/** The hash algorithm version this module implements, as written after `?ver=`. */
export const eventHashVersion = 'CBV2.0';

/** Prefixes GS1's EPCIS 2.0 context defines, for expanding names and values written as CURIEs. */
const gs1Prefixes: Readonly<Record<string, string>> = {
  gs1: 'https://gs1.org/voc/',
  cbv: cbvRoot,
  epcis: 'https://ref.gs1.org/epcis/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
};

/** `ni:///sha-256;<hex>?ver=CBV2.0` for `event`; `context` is the enclosing document's `@context`. */
export function eventHash(event: EpcisEvent, context?: EpcisContext): string {
  const digest = createHash('sha256').update(preHashString(event, context), 'utf8').digest('hex');
  return `ni:///sha-256;${digest}?ver=${eventHashVersion}`;
}

/** The canonical pre-hash string of `event`: what {@link eventHash} digests. */
export function preHashString(event: EpcisEvent, context?: EpcisContext): string {
  const prefixes = { ...gs1Prefixes, ...contextPrefixes(context), ...contextPrefixes(event['@context']) };
  const hasher = new PreHash(prefixes);
  return hasher.event(event);
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

const typed =
  (name: string, member: string, kind: string): Writer =>
  (h, value) =>
    list(
      name,
      asArray(value).map((item) => {
        const entry = asRecord(item);
        const type = entry.type === undefined ? '' : `type=${h.vocab(entry.type, kind)}`;
        return `${member}=${h.value(entry[member])}${type}`;
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
  ['sourceList', typed('sourceList', 'source', 'SDT')],
  ['destinationList', typed('destinationList', 'destination', 'SDT')],
  ['sensorElementList', sensorElements],
];

/** Members that never enter the hash: the type is written first, the others change without the event changing. */
const excluded = new Set(['type', '@context', 'eventID', 'recordTime', 'errorDeclaration']);

/** Sensor report values written as bare GS1 Web Vocabulary terms (`Temperature`, `ALARM_CONDITION`). */
const gs1VocabMembers = new Set(['type', 'exception']);

class PreHash {
  constructor(private readonly prefixes: Readonly<Record<string, string>>) {}

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
      else if (gs1VocabMembers.has(name) && typeof value === 'string' && /^\w+$/.test(value))
        out += `${name}=${this.prefixes.gs1}${value}`;
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
      .flatMap(([key, value]) => this.generic(key, value))
      .sort(byCodeUnit)
      .join('');
  }

  private generic(key: string, value: unknown): string[] {
    if (key.startsWith('@') || key === '#text') return [];
    const name = this.expandName(key);
    if (Array.isArray(value)) return value.flatMap((item) => this.generic(key, item));
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const inner = typeof record['#text'] === 'string' ? `=${this.value(record['#text'])}` : '';
      return [`${name}${inner}${this.extensions(record)}`];
    }
    const written = value === null || value === undefined ? '' : this.value(value);
    return [written === '' ? name : `${name}=${written}`];
  }

  private expandName(key: string): string {
    const colon = key.indexOf(':');
    if (colon <= 0) return key;
    const namespace = this.prefixes[key.slice(0, colon)];
    return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
  }

  /** A plain value: trimmed, CBV URNs as web URIs, numbers without trailing zeros, identifiers canonical. */
  value(value: unknown): string {
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') return numeric(value);
    let written = text(value);
    for (const [urn, term] of cbvUrns)
      if (written.startsWith(urn)) written = cbvRoot + term + written.slice(urn.length);
    if (decimal.test(written)) return numeric(Number(written));
    const expanded = this.expandCurie(written);
    return normaliseIdentifier(expanded);
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

  private expandCurie(value: string): string {
    const match = /^([A-Za-z][\w.-]*):(?!\/\/)(.*)$/.exec(value);
    const namespace = match ? this.prefixes[match[1]!] : undefined;
    return namespace === undefined ? value : namespace + match![2]!;
  }
}

const cbvUrns: [string, string][] = [
  ['urn:epcglobal:cbv:bizstep:', 'BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'Disp-'],
  ['urn:epcglobal:cbv:btt:', 'BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'SDT-'],
  ['urn:epcglobal:cbv:er:', 'ER-'],
];

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numeric(value: number): string {
  // Integers in full digits (as 1000000, not 1e6); fractions in their shortest form, which has no trailing zeros.
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})$/;

/** `2024-03-05T12:00:00.0004+02:00` as `2024-03-05T10:00:00.000Z`: UTC, milliseconds rounded half up. */
export function utcMillis(timestamp: string): string | undefined {
  const m = rfc3339.exec(timestamp.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = m;
  const millis = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes =
      (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const utc =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) +
    millis -
    offsetMinutes * 60_000;
  return Number.isNaN(utc) ? undefined : new Date(utc).toISOString();
}

/** The prefix definitions of a JSON-LD context (string members of its objects); URLs are not fetched. */
export function contextPrefixes(context: unknown): Record<string, string> {
  const prefixes: Record<string, string> = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const [prefix, namespace] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof namespace === 'string' && !prefix.startsWith('@')) prefixes[prefix] = namespace;
    }
  }
  return prefixes;
}

function list(name: string, members: string[]): string {
  return members.length === 0 ? '' : name + members.sort(byCodeUnit).join('');
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value.trim()
    : typeof value === 'number'
      ? numeric(value)
      : typeof value === 'boolean'
        ? String(value)
        : // An object where a plain value belongs is malformed; its JSON still tells two such events apart.
          value === undefined || value === null
          ? ''
          : JSON.stringify(value);
}

/** Case-sensitive ordering by UTF-16 code unit, which matches code-point order for the ASCII the hash sees. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
