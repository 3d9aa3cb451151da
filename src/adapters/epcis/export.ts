/**
 * Canonical record -> EPCIS 2.0 document: a stone's history (and, for a cutting, its relatives' histories) as
 * one EPCISDocument whose events each carry their CBV 2.0 event hash as `eventID`. Pure: no I/O, no clock
 * unless the caller leaves `creationDate` to it.
 */
import { LossReport, type Translation } from '../../mapping/loss.js';
import type { CustodyEvent, DiamondRecord } from '../../types/diamond.js';
import { eventHash } from './event-hash.js';
import { inferredEvents, offsetOf } from './inferred.js';
import { eventShapes } from './mapping.js';
import type { EpcisContext, EpcisDocument, EpcisEvent } from './types.js';
import {
  documentContext,
  gs1EpcisContext,
  orgUri,
  reportUri,
  stoneEpc,
  stoneEpcOf,
  tb,
  transactionUri,
} from './vocab.js';

/** Options of {@link exportHistory}. */
export interface ExportOptions {
  /** The document's `creationDate`; default now. Pass a fixed value for output that depends only on input. */
  creationDate?: string;
}

/** The context every document the bridge writes declares: GS1's, then the `tb:` and `cbvmda:` prefixes. */
export const exportContext: EpcisContext = [gs1EpcisContext, { ...documentContext }];

/**
 * The EPCIS document for `record`'s history. `relatives` are the records of stones cut from it (or the rough
 * it was cut from): their events join the document, so a split reads as one transformation from the rough to
 * its polished stones followed by each stone's own history. What has no place in EPCIS is in the loss report.
 */
export function exportHistory(
  record: DiamondRecord,
  relatives: readonly DiamondRecord[] = [],
  options: ExportOptions = {},
): Translation<EpcisDocument> {
  const loss = new LossReport();
  const stamped: { event: EpcisEvent; time: number; order: number }[] = [];
  const creationDate = options.creationDate ?? new Date().toISOString();
  [record, ...relatives].forEach((stone, index) => {
    const base = index === 0 ? '' : `/relatives/${index - 1}`;
    for (const event of stoneEvents(stone, base, creationDate, loss)) {
      stamped.push({ event, time: Date.parse(event.eventTime), order: stamped.length });
    }
  });
  stamped.sort((a, b) => a.time - b.time || a.order - b.order);
  const eventList = stamped.map(({ event }) => withEventId(event));
  return loss.result({
    '@context': exportContext,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate,
    epcisBody: { eventList },
  });
}

/** `event` with its CBV 2.0 hash as `eventID`, placed after `type` so a reader sees it first. */
function withEventId(event: EpcisEvent): EpcisEvent {
  const { type, ...rest } = event;
  return { type, eventID: eventHash(event, exportContext), ...rest };
}

/**
 * One stone's events, with the events its record implies (see {@link inferredEvents}) and its master data
 * as ILMD on the event that brings it into being: a recorded one when there is one.
 */
function stoneEvents(stone: DiamondRecord, base: string, statedAt: string, loss: LossReport): EpcisEvent[] {
  const epc = stoneEpc(stone);
  const recorded = (stone.events ?? []).map((event, index) =>
    toEpcisEvent(event, epc, `${base}/events/${index}`, loss),
  );
  const inferred = inferredEvents(stone, epc, recorded, statedAt, base, loss);
  const events = [...inferred.before, ...recorded, ...inferred.after];
  const birth = events.findIndex(
    (e) =>
      (e.type === 'ObjectEvent' && e.action === 'ADD') ||
      (e.type === 'TransformationEvent' && e.outputEPCList?.includes(epc) === true),
  );
  const gradedIndex = gradingEventIndex(stone);
  const masterData = ilmdOf(stone, gradedIndex === undefined);
  // The graded event's place in the history, after the events inferred before it.
  if (gradedIndex !== undefined && stone.grading)
    Object.assign(events[inferred.before.length + gradedIndex]!, gradingOf(stone.grading));
  // inferredEvents guarantees a birth event: the master data always has an event to travel on.
  const born = events[birth]!;
  born.ilmd = masterData;
  // A grading report with no graded event in the history is still certified on the stone's first event.
  if (gradedIndex === undefined && stone.grading)
    born.certificationInfo = reportUri(stone.grading.lab, stone.grading.reportNumber);
  if (stone.sources !== undefined)
    loss.dropped(`${base}/sources`, stone.sources, "the bridge's own sync bookkeeping has no place in EPCIS");
  return events;
}

/** The graded event that stands for the record's grading report: the one naming it, else the last. */
function gradingEventIndex(stone: DiamondRecord): number | undefined {
  const events = stone.events ?? [];
  const graded = events.flatMap((e, i) => (e.type === 'graded' ? [i] : []));
  const naming = graded.find((i) => events[i]!.ref === stone.grading?.reportNumber);
  return naming ?? graded.at(-1);
}

function gradingOf(grading: NonNullable<DiamondRecord['grading']>): Record<string, unknown> {
  return {
    certificationInfo: reportUri(grading.lab, grading.reportNumber),
    [`${tb}:lab`]: grading.lab,
    [`${tb}:reportNumber`]: grading.reportNumber,
    ...(grading.reportDate === undefined ? {} : { [`${tb}:reportDate`]: grading.reportDate }),
    ...(grading.reportType === undefined ? {} : { [`${tb}:reportType`]: grading.reportType }),
  };
}

/**
 * The stone's master data as ILMD: country of origin under CBV's own master-data attribute, everything the
 * CBV has no attribute for under `tb:`. Weights are metric carats (UN/CEFACT unit CTM), as in the record.
 */
function ilmdOf(stone: DiamondRecord, withGrading: boolean): Record<string, unknown> {
  const ilmd: Record<string, unknown> = { [`${tb}:kind`]: stone.kind };
  const put = (name: string, value: unknown): void => {
    if (value !== undefined) ilmd[`${tb}:${name}`] = value;
  };
  if (stone.origin?.country !== undefined) ilmd['cbvmda:countryOfOrigin'] = stone.origin.country;
  put('originAggregated', stone.origin?.aggregated);
  put('producer', stone.origin?.producer);
  put('mine', stone.origin?.mine);
  put('roughCaratWeight', stone.rough?.caratWeight);
  put('polished', stone.polished);
  for (const [name, value] of Object.entries(stone.identifiers ?? {})) put(name, value);
  put('owner', stone.owner?.org);
  if (withGrading) put('grading', stone.grading);
  put('extensions', stone.extensions);
  return ilmd;
}

/** One canonical event as an EPCIS event (without its eventID, which is computed over the result). */
function toEpcisEvent(event: CustodyEvent, epc: string, pointer: string, loss: LossReport): EpcisEvent {
  const shape = eventShapes[event.type];
  const linked =
    event.type === 'split'
      ? event.childIds
      : event.type === 'polished' && event.parentId
        ? [event.parentId]
        : undefined;
  const out: EpcisEvent = {
    type: linked ? 'TransformationEvent' : 'ObjectEvent',
    eventTime: event.at,
    eventTimeZoneOffset: offsetOf(event.at),
  };
  if (out.type === 'ObjectEvent') {
    out.action = shape.action ?? 'OBSERVE';
    out.epcList = [epc];
  } else if (event.type === 'split') {
    out.inputEPCList = [epc];
    out.outputEPCList = linked!.map(stoneEpcOf);
  } else {
    out.inputEPCList = linked!.map(stoneEpcOf);
    out.outputEPCList = [epc];
  }
  if (event.type === 'split' && event.childIds === undefined)
    loss.dropped(
      `${pointer}/type`,
      event.type,
      'a split without childIds cannot be an EPCIS transformation; written as an ObjectEvent',
    );
  out.bizStep = shape.bizStep;
  if (shape.disposition !== undefined) out.disposition = shape.disposition;
  if (event.ref !== undefined && shape.transactionType !== undefined)
    out.bizTransactionList = [
      { type: shape.transactionType, bizTransaction: transactionUri(event.platform, event.ref) },
    ];
  if (event.from !== undefined)
    out.sourceList = [{ type: shape.parties ?? 'owning_party', source: orgUri(event.from) }];
  if (event.to !== undefined)
    out.destinationList = [{ type: shape.parties ?? 'owning_party', destination: orgUri(event.to) }];
  // Fields EPCIS has no member for travel as tb: extensions, so the round trip through EPCIS loses nothing.
  out[`${tb}:eventType`] = event.type;
  out[`${tb}:platform`] = event.platform;
  const extend = (name: string, value: unknown): void => {
    if (value !== undefined) out[`${tb}:${name}`] = value;
  };
  extend('ref', event.ref);
  extend('actor', event.actor);
  extend('locationCountry', event.location?.country);
  extend('locationPlace', event.location?.place);
  extend('note', event.note);
  return out;
}
