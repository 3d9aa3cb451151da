/**
 * EPCIS 2.0 document -> canonical events and, where the document describes one stone well enough, its
 * canonical record. Documents from any EPCIS system import: what has no canonical meaning (other event types,
 * unknown business steps, sensor data, foreign extensions) is kept in the loss report, never an error.
 */
import { identifierNames } from '../../mapping/identifiers.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import type { CustodyEvent, DiamondRecord, EventType } from '../../types/diamond.js';
import { findRetractions, retractionOf, retractionReason } from './declarations.js';
import {
  bridgeStoneOf,
  eventIdOf,
  readCustodyEvent,
  readMembers,
  reportReading,
  subjectsOf,
  documentTerms,
  type DocumentTerms,
} from './events.js';
import { eventShapes } from './mapping.js';
import { eventListOf, eventListPointer, type AnyEpcisDocument, type EpcisEvent } from './types.js';

import { parseStoneEpc } from './vocab.js';

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

/** Imports `document`; never throws for a document with an event list. */
export function importEpcis(
  document: AnyEpcisDocument,
  options: ImportOptions = {},
): Translation<EpcisImport> {
  const loss = new LossReport();
  const eventList = eventListOf(document);
  const listPointer = eventListPointer(document);
  const terms = documentTerms(document);
  const { prefix } = terms;
  const retractions = findRetractions(eventList, terms);
  const stone = options.stone ?? mainSubject(eventList, terms, retractions);
  const collected: { event: CustodyEvent; time: number }[] = [];
  const master: Record<string, unknown> = {};
  const foreign: Record<string, unknown>[] = [];
  const lineage: { parentId?: string; childIds?: string[] } = {};
  let grading: DiamondRecord['grading'];

  eventList.forEach((event, index) => {
    const pointer = `${listPointer}/${index}`;
    const retraction = retractionOf(event, retractions, terms);
    if (retraction !== undefined) {
      loss.dropped(
        pointer,
        eventIdOf(event, terms),
        retractionReason(retraction, retraction.declaredBy === index),
      );
      return;
    }
    if (stone === undefined || !subjectsOf(event, prefix).includes(stone)) {
      loss.dropped(pointer, event.type, `the event is not about the stone ${stone ?? '(none named)'}`);
      return;
    }
    const { reading, event: canonical } = readCustodyEvent(event, stone, terms, bridgeStoneOf);
    reportReading(event, reading, pointer, loss);
    if (canonical === undefined) {
      foreign.push(event);
      return;
    }
    if (canonical.parentId !== undefined) lineage.parentId = canonical.parentId;
    if (canonical.childIds !== undefined)
      lineage.childIds = [...new Set([...(lineage.childIds ?? []), ...canonical.childIds])];
    const isBirth =
      (event.type === 'ObjectEvent' && event.action === 'ADD') ||
      (event.type === 'TransformationEvent' && (event.outputEPCList ?? []).includes(stone));
    if (isBirth && event.ilmd) readIlmd(event.ilmd, prefix, master, `${pointer}/ilmd`, loss);
    if (canonical.type === 'graded') grading = gradingOf(event, prefix) ?? grading;
    const unread = reportUnread(event, canonical.type, prefix, pointer, loss);
    if (Object.keys(unread).length > 0) foreign.push({ eventID: eventIdOf(event, terms), ...unread });
    if (event[`${prefix}:inferred`] !== true)
      collected.push({ event: canonical, time: Date.parse(event.eventTime) });
  });

  const events = collected.sort((a, b) => a.time - b.time).map(({ event }) => event);
  const record = stone === undefined ? undefined : recordOf(stone, events, master, lineage, grading);
  if (record !== undefined) keepForeign(record, master, foreign);
  return loss.result({ stone, events, record });
}

/** The object most events are about (the first named, on a tie): whose history the document tells. */
function mainSubject(
  eventList: EpcisEvent[],
  terms: DocumentTerms,
  retractions: ReadonlyMap<string, unknown>,
): string | undefined {
  const counts = new Map<string, number>();
  for (const event of eventList) {
    if (event.errorDeclaration !== undefined) continue;
    for (const epc of subjectsOf(event, terms.prefix)) counts.set(epc, (counts.get(epc) ?? 0) + 1);
  }
  if (counts.size === 0 && retractions.size > 0) return undefined;
  let best: [string, number] | undefined;
  for (const entry of counts) if (best === undefined || entry[1] > best[1]) best = entry;
  return best?.[0];
}

/**
 * Foreign members of the stone's events and ILMD attributes with no canonical field, kept under
 * `extensions.epcis` so that nothing the document said about the stone is lost.
 */
function keepForeign(
  record: DiamondRecord,
  master: Record<string, unknown>,
  foreign: Record<string, unknown>[],
): void {
  const ilmd = master[foreignIlmd] as Record<string, unknown> | undefined;
  if (foreign.length === 0 && ilmd === undefined) return;
  const kept: Record<string, unknown> = { ...(record.extensions?.epcis ?? {}) };
  if (foreign.length > 0) kept.events = foreign;
  if (ilmd !== undefined) kept.ilmd = ilmd;
  record.extensions = { ...(record.extensions ?? {}), epcis: kept };
}

/** Where {@link readIlmd} collects ILMD attributes the record has no field for. */
const foreignIlmd = '\u0000foreign';

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
    else {
      const kept = (master[foreignIlmd] ?? {}) as Record<string, unknown>;
      master[foreignIlmd] = { ...kept, [key]: value };
      loss.dropped(
        `${pointer}/${escapePointer(key)}`,
        value,
        'no canonical field for this ILMD attribute; kept in extensions.epcis',
      );
    }
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

/** Every member of the event the canonical events do not carry, as a loss entry; returns them to keep. */
function reportUnread(
  event: EpcisEvent,
  type: EventType,
  prefix: string,
  pointer: string,
  loss: LossReport,
): Record<string, unknown> {
  const unread: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (readMembers.has(key) || key.startsWith(`${prefix}:`)) continue;
    unread[key] = value;
    loss.dropped(
      `${pointer}/${escapePointer(key)}`,
      value,
      'no canonical field for this EPCIS member; kept in extensions.epcis',
    );
  }
  const disposition = event.disposition;
  if (disposition !== undefined && !disposition.endsWith(eventShapes[type].disposition ?? '\u0000'))
    loss.dropped(`${pointer}/disposition`, disposition, `a ${type} event has no field for this disposition`);
  const bridgeReport =
    event[`${prefix}:reportNumber`] !== undefined || event.ilmd?.[`${prefix}:grading`] !== undefined;
  if (event.certificationInfo !== undefined && !bridgeReport)
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
  return unread;
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
