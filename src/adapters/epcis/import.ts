/**
 * EPCIS 2.0 document -> canonical events and, where the document describes one stone well enough, its
 * canonical record. Documents from any EPCIS system import: what has no canonical meaning (other event types,
 * unknown business steps, sensor data, foreign extensions) is kept in the loss report, never an error.
 */
import { identifierNames } from '../../mapping/identifiers.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import type { CustodyEvent, DiamondRecord, EventType } from '../../types/diamond.js';
import { contextPrefixes } from './event-hash.js';
import { canonicalTypeOf, eventShapes } from './mapping.js';
import type { EpcisDocument, EpcisEvent, SourceDestination } from './types.js';
import { parseOrgUri, parseStoneEpc, tb, tracebridgeNamespace } from './vocab.js';

/** What an EPCIS document says about one stone. */
export interface EpcisImport {
  /** The EPC of the stone the events are about: the first one the document names, unless chosen. */
  stone: string | undefined;
  /** Its events in canonical form, oldest first. */
  events: CustodyEvent[];
  /** The stone's record, when the document carries its weight (rough) or polished block. */
  record: DiamondRecord | undefined;
}

/** Options of {@link importEpcis}. */
export interface ImportOptions {
  /** The EPC of the stone to import; default the first EPC of the first event. */
  stone?: string;
}

const orgPattern = /^\S(?:.*\S)?$/;
const platformPattern = /^[a-z][a-z0-9-]{0,31}$/;
const bridgeIdPattern = /^tb_[0-9A-Za-z_-]{6,64}$/;

/** Standard members the canonical events read; any other standard member present is reported as lost. */
const readMembers = new Set([
  'type',
  'eventID',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  '@context',
  'action',
  'bizStep',
  'disposition',
  'epcList',
  'inputEPCList',
  'outputEPCList',
  'sourceList',
  'destinationList',
  'ilmd',
  'certificationInfo',
  'bizTransactionList',
]);

/** Imports `document`; never throws for a document with an event list. */
export function importEpcis(document: EpcisDocument, options: ImportOptions = {}): Translation<EpcisImport> {
  const loss = new LossReport();
  const eventList = document.epcisBody.eventList;
  const prefix = tbPrefix(document);
  const stone = options.stone ?? mainSubject(eventList, prefix);
  const collected: { event: CustodyEvent; time: number }[] = [];
  const master: Record<string, unknown> = {};
  const lineage: { parentId?: string; childIds?: string[] } = {};
  let grading: DiamondRecord['grading'];

  eventList.forEach((raw, index) => {
    const pointer = `/epcisBody/eventList/${index}`;
    const event = raw as EpcisEvent & Record<string, unknown>;
    const tbValue = (name: string): unknown => event[`${prefix}:${name}`];
    if (stone === undefined || !subjectsOf(event, prefix).includes(stone)) {
      loss.dropped(pointer, event.type, `the event is not about the stone ${stone ?? '(none named)'}`);
      return;
    }
    const declared = tbValue('eventType');
    const type =
      typeof declared === 'string' && declared in eventShapes
        ? (declared as EventType)
        : event.type === 'TransformationEvent'
          ? (event.inputEPCList ?? []).includes(stone)
            ? 'split'
            : 'polished'
          : canonicalTypeOf(event.type, event.action, event.bizStep);
    const time = Date.parse(event.eventTime);
    if (type === undefined || Number.isNaN(time)) {
      const why =
        type === undefined
          ? `no canonical event type for a ${event.type} with bizStep ${JSON.stringify(event.bizStep)}`
          : 'eventTime is not a timestamp';
      loss.dropped(pointer, { type: event.type, bizStep: event.bizStep, eventTime: event.eventTime }, why);
      return;
    }
    const platform = tbValue('platform');
    const canonical: CustodyEvent = {
      type,
      at: event.eventTime,
      platform: typeof platform === 'string' && platformPattern.test(platform) ? platform : 'epcis',
    };
    const ref = tbValue('ref') ?? (platform === undefined ? event.eventID : undefined);
    if (typeof ref === 'string' && ref.length <= 128 && orgPattern.test(ref)) canonical.ref = ref;
    copyText(canonical, 'actor', tbValue('actor'));
    copyText(canonical, 'from', party(event.sourceList, 'source'));
    copyText(canonical, 'to', party(event.destinationList, 'destination'));
    const country = tbValue('locationCountry');
    const place = tbValue('locationPlace');
    if (typeof country === 'string' || typeof place === 'string') {
      canonical.location = {
        ...(typeof country === 'string' ? { country } : {}),
        ...(typeof place === 'string' ? { place } : {}),
      };
    }
    copyText(canonical, 'note', tbValue('note'));
    if (event.type === 'TransformationEvent') linkStones(event, stone, canonical, lineage);
    const isBirth =
      (event.type === 'ObjectEvent' && event.action === 'ADD') ||
      (event.type === 'TransformationEvent' && (event.outputEPCList ?? []).includes(stone));
    if (isBirth && event.ilmd) readIlmd(event.ilmd, prefix, master, `${pointer}/ilmd`, loss);
    if (type === 'graded') grading = gradingOf(event, prefix) ?? grading;
    reportUnread(event, type, prefix, pointer, loss);
    collected.push({ event: canonical, time });
  });

  const events = collected.sort((a, b) => a.time - b.time).map(({ event }) => event);
  const record = stone === undefined ? undefined : recordOf(stone, events, master, lineage, grading);
  return loss.result({ stone, events, record });
}

/**
 * The objects an event is about. A transformation is about its inputs when it is a split and about its outputs
 * when it is a polishing: a polished stone's history starts where it comes out, not at its parent's split.
 */
function subjectsOf(event: EpcisEvent, prefix: string): string[] {
  if (event.type === 'TransformationEvent') {
    const declared = event[`${prefix}:eventType`];
    const inputs = event.inputEPCList ?? [];
    const outputs = event.outputEPCList ?? [];
    return declared === 'split' ? inputs : declared === 'polished' ? outputs : [...inputs, ...outputs];
  }
  const parent = typeof event.parentID === 'string' ? [event.parentID] : [];
  const children = Array.isArray(event.childEPCs) ? (event.childEPCs as string[]) : [];
  return [...(event.epcList ?? []), ...parent, ...children];
}

/** The object most events are about (the first named, on a tie): whose history the document tells. */
function mainSubject(eventList: EpcisEvent[], prefix: string): string | undefined {
  const counts = new Map<string, number>();
  for (const event of eventList) {
    for (const epc of new Set(subjectsOf(event, prefix))) counts.set(epc, (counts.get(epc) ?? 0) + 1);
  }
  let best: [string, number] | undefined;
  for (const entry of counts) if (best === undefined || entry[1] > best[1]) best = entry;
  return best?.[0];
}

/** The prefix the document binds to the bridge's namespace (normally `tb`). */
function tbPrefix(document: EpcisDocument): string {
  const prefixes = contextPrefixes(document['@context']);
  return Object.entries(prefixes).find(([, namespace]) => namespace === tracebridgeNamespace)?.[0] ?? tb;
}

function copyText(event: CustodyEvent, field: 'actor' | 'from' | 'to' | 'note', value: unknown): void {
  if (typeof value === 'string' && value.length <= (field === 'note' ? 2000 : 128) && orgPattern.test(value))
    event[field] = value;
}

/** The owning party, else the possessing party, of a source or destination list. */
function party(list: SourceDestination[] | undefined, member: 'source' | 'destination'): string | undefined {
  const pick = (type: string): string | undefined => {
    const entry = list?.find((e) => e.type === type || e.type.endsWith(`SDT-${type}`));
    return entry?.[member] === undefined ? undefined : parseOrgUri(entry[member]);
  };
  return pick('owning_party') ?? pick('possessing_party');
}

function bridgeIdOf(epc: string): string | undefined {
  const parsed = parseStoneEpc(epc);
  return parsed && 'id' in parsed && bridgeIdPattern.test(parsed.id) ? parsed.id : undefined;
}

/** A transformation seen from `stone`: its children when it went in, its parent when it came out. */
function linkStones(
  event: EpcisEvent,
  stone: string,
  canonical: CustodyEvent,
  lineage: { parentId?: string; childIds?: string[] },
): void {
  if ((event.inputEPCList ?? []).includes(stone)) {
    const children = (event.outputEPCList ?? []).flatMap((epc) => bridgeIdOf(epc) ?? []);
    if (children.length > 0) {
      canonical.childIds = [...new Set(children)];
      lineage.childIds = [...new Set([...(lineage.childIds ?? []), ...children])];
    }
  } else {
    const parent = (event.inputEPCList ?? []).map(bridgeIdOf).find((id) => id !== undefined);
    if (parent !== undefined) canonical.parentId = lineage.parentId = parent;
  }
}

/** ILMD members the record reads, by local name after the `tb:` prefix. */
const ilmdFields = new Set([
  'kind',
  'originAggregated',
  'producer',
  'mine',
  'roughCaratWeight',
  'polished',
  'owner',
  'grading',
  'extensions',
  ...identifierNames,
]);

function readIlmd(
  ilmd: Record<string, unknown>,
  prefix: string,
  master: Record<string, unknown>,
  pointer: string,
  loss: LossReport,
): void {
  for (const [key, value] of Object.entries(ilmd)) {
    const local = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : undefined;
    if (local !== undefined && ilmdFields.has(local)) master[local] = value;
    else if (key === 'cbvmda:countryOfOrigin' && typeof value === 'string') master.country = value;
    else
      loss.dropped(`${pointer}/${escapePointer(key)}`, value, 'no canonical field for this ILMD attribute');
  }
}

function gradingOf(event: EpcisEvent, prefix: string): DiamondRecord['grading'] {
  const read = (name: string): string | undefined => {
    const value = event[`${prefix}:${name}`];
    return typeof value === 'string' ? value : undefined;
  };
  const lab = read('lab');
  const reportNumber = read('reportNumber');
  if (lab === undefined || reportNumber === undefined) return undefined;
  const reportDate = read('reportDate');
  const reportType = read('reportType');
  return {
    lab,
    reportNumber,
    ...(reportDate === undefined ? {} : { reportDate }),
    ...(reportType === undefined ? {} : { reportType }),
  };
}

/** Every member of the event the canonical events do not carry, as a loss entry. */
function reportUnread(
  event: EpcisEvent,
  type: EventType,
  prefix: string,
  pointer: string,
  loss: LossReport,
): void {
  for (const [key, value] of Object.entries(event)) {
    if (readMembers.has(key) || key.startsWith(`${prefix}:`)) continue;
    loss.dropped(`${pointer}/${escapePointer(key)}`, value, 'no canonical field for this EPCIS member');
  }
  const disposition = event.disposition;
  if (disposition !== undefined && !disposition.endsWith(eventShapes[type].disposition ?? '\u0000'))
    loss.dropped(`${pointer}/disposition`, disposition, `a ${type} event has no field for this disposition`);
  if (event.certificationInfo !== undefined && event[`${prefix}:reportNumber`] === undefined)
    loss.dropped(
      `${pointer}/certificationInfo`,
      event.certificationInfo,
      'a certificate that is not a grading report the bridge wrote has no canonical field',
    );
  const transactions = (event.bizTransactionList ?? []).filter((t) => !t.bizTransaction.includes('/tx/'));
  if (transactions.length > 0)
    loss.dropped(
      `${pointer}/bizTransactionList`,
      transactions,
      'business transactions have no canonical field',
    );
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The stone's record, when the document says enough for a valid one; otherwise undefined. */
function recordOf(
  stone: string,
  events: CustodyEvent[],
  master: Record<string, unknown>,
  lineage: { parentId?: string; childIds?: string[] },
  grading: DiamondRecord['grading'],
): DiamondRecord | undefined {
  const polished = master.polished as DiamondRecord['polished'] | undefined;
  const roughWeight = master.roughCaratWeight;
  const kind =
    master.kind === 'rough' || master.kind === 'polished' ? master.kind : polished ? 'polished' : 'rough';
  if (kind === 'polished' ? polished === undefined : typeof roughWeight !== 'number') return undefined;
  const parsed = parseStoneEpc(stone);
  const record: DiamondRecord = { schemaVersion: '1', kind };
  if (parsed && 'id' in parsed) record.id = parsed.id;
  if (typeof master.owner === 'string') record.owner = { org: master.owner };
  const identifiers: NonNullable<DiamondRecord['identifiers']> = {};
  if (parsed && 'identifier' in parsed) identifiers[parsed.identifier] = parsed.value;
  for (const key of identifierNames) {
    if (typeof master[key] === 'string') identifiers[key] = master[key];
  }
  if (Object.keys(identifiers).length > 0) record.identifiers = identifiers;
  const origin: NonNullable<DiamondRecord['origin']> = {};
  if (typeof master.country === 'string') origin.country = master.country;
  if (master.originAggregated === true) origin.aggregated = true;
  if (typeof master.producer === 'string') origin.producer = master.producer;
  if (typeof master.mine === 'string') origin.mine = master.mine;
  if (Object.keys(origin).length > 0) record.origin = origin;
  if (typeof roughWeight === 'number') record.rough = { caratWeight: roughWeight };
  if (kind === 'polished' && polished) record.polished = polished;
  const reportGrading = grading ?? (master.grading as DiamondRecord['grading']);
  if (reportGrading !== undefined) record.grading = reportGrading;
  if (lineage.parentId !== undefined || lineage.childIds !== undefined) record.lineage = { ...lineage };
  if (events.length > 0) record.events = events;
  if (master.extensions !== null && typeof master.extensions === 'object')
    record.extensions = master.extensions as NonNullable<DiamondRecord['extensions']>;
  return record;
}
