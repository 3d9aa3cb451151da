/**
 * One EPCIS event read as a canonical custody event, seen from one stone it names. Shared by the import of a
 * single stone's history and the sorting of a whole document into per-stone outcomes.
 */
import type { LossReport } from '../../mapping/loss.js';
import type { CustodyEvent } from '../../types/diamond.js';
import { contextPrefixes, eventHash } from './event-hash.js';
import { readEventType, type EventReading } from './mapping.js';
import type { AnyEpcisDocument, EpcisContext, EpcisEvent, SourceDestination } from './types.js';
import { parseOrgUri, parseStoneEpc, tb, tracebridgeNamespace } from './vocab.js';

/** How a document names things: the prefix bound to the bridge's namespace and the document's context. */
export interface DocumentTerms {
  prefix: string;
  context: EpcisContext;
}

/** The bridge ID an EPC stands for, when the caller knows it; undefined for stones it does not know. */
export type StoneOf = (epc: string) => string | undefined;

const orgPattern = /^\S(?:.*\S)?$/;
const platformPattern = /^[a-z][a-z0-9-]{0,31}$/;
const bridgeIdPattern = /^tb_[0-9A-Za-z_-]{6,64}$/;

/** Standard members a canonical event carries; any other member is reported and kept. */
export const readMembers = new Set([
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
  'parentID',
  'childEPCs',
  'sourceList',
  'destinationList',
  'ilmd',
  'certificationInfo',
  'bizTransactionList',
]);

/** The prefix the document binds to the bridge's namespace (normally `tb`), and its context. */
export function documentTerms(document: AnyEpcisDocument): DocumentTerms {
  const prefixes = contextPrefixes(document['@context']);
  const prefix =
    Object.entries(prefixes).find(([, namespace]) => namespace === tracebridgeNamespace)?.[0] ?? tb;
  return { prefix, context: document['@context'] };
}

/** The stone a bridge EPC names by bridge ID (`https://id.tracebridge.dev/diamond/tb_...`). */
export function bridgeStoneOf(epc: string): string | undefined {
  const parsed = parseStoneEpc(epc);
  return parsed && 'id' in parsed && bridgeIdPattern.test(parsed.id) ? parsed.id : undefined;
}

/**
 * The objects an event is about. The bridge's split is about its inputs and its polishing about its outputs
 * (a polished stone's history starts where it comes out); any other transformation is about both sides.
 */
export function subjectsOf(event: EpcisEvent, prefix: string): string[] {
  if (event.type === 'TransformationEvent') {
    const declared = event[`${prefix}:eventType`];
    const inputs = event.inputEPCList ?? [];
    const outputs = event.outputEPCList ?? [];
    return declared === 'split' ? inputs : declared === 'polished' ? outputs : [...inputs, ...outputs];
  }
  const parent = typeof event.parentID === 'string' ? [event.parentID] : [];
  const children = Array.isArray(event.childEPCs) ? (event.childEPCs as unknown[]) : [];
  return [...new Set([...(event.epcList ?? []), ...parent, ...children.filter(isText)])];
}

/**
 * The event's own ID: its `eventID`, or failing that its CBV 2.0 event hash, so that an error declaration
 * naming the hash finds an event that never carried an ID.
 */
export function eventIdOf(event: EpcisEvent, terms: DocumentTerms): string {
  if (typeof event.eventID === 'string' && event.eventID.length > 0) return event.eventID;
  const { errorDeclaration: _declaration, eventID: _id, ...content } = event;
  return eventHash(content, event['@context'] ?? terms.context);
}

/** The canonical event `event` is for `subject`, with the reading that typed it; no event when none fits. */
export function readCustodyEvent(
  event: EpcisEvent,
  subject: string,
  terms: DocumentTerms,
  stoneOf: StoneOf,
): { reading: EventReading; event?: CustodyEvent } {
  const reading = readEventType(event, subject, terms.prefix);
  if (reading.type === undefined || Number.isNaN(Date.parse(event.eventTime))) return { reading };
  const tbValue = (name: string): unknown => event[`${terms.prefix}:${name}`];
  const platform = tbValue('platform');
  const canonical: CustodyEvent = {
    type: reading.type,
    at: event.eventTime,
    platform: typeof platform === 'string' && platformPattern.test(platform) ? platform : 'epcis',
  };
  const ref = tbValue('ref') ?? (platform === undefined ? eventIdOf(event, terms) : undefined);
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
  if (event.type === 'TransformationEvent') linkStones(event, subject, canonical, stoneOf);
  return { reading, event: canonical };
}

/** Loss entries for how `reading` typed the event at `pointer`: guessed types, events with no type. */
export function reportReading(
  event: EpcisEvent,
  reading: EventReading,
  pointer: string,
  loss: LossReport,
): void {
  if (reading.type === undefined)
    loss.dropped(
      pointer,
      { type: event.type, bizStep: event.bizStep, eventTime: event.eventTime },
      reading.why,
    );
  else if (reading.certainty === 'guessed') loss.guessed(`${pointer}/bizStep`, reading.type, reading.why);
}

function isText(value: unknown): value is string {
  return typeof value === 'string';
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

/** A transformation seen from `subject`: its children when it went in, its parent when it came out. */
function linkStones(event: EpcisEvent, subject: string, canonical: CustodyEvent, stoneOf: StoneOf): void {
  if ((event.inputEPCList ?? []).includes(subject)) {
    const children = (event.outputEPCList ?? []).flatMap((epc) => stoneOf(epc) ?? []);
    if (children.length > 0) canonical.childIds = [...new Set(children)];
  } else {
    const parent = (event.inputEPCList ?? []).map(stoneOf).find((id) => id !== undefined);
    if (parent !== undefined) canonical.parentId = parent;
  }
}
