/**
 * The EPCIS adapter's pure transforms: what `map --from epcis` and `map --to epcis` run. EPCIS is a history
 * format, so one "native record" is a whole EPCIS document about one stone.
 */
import { MappingError } from '../../mapping/errors.js';
import type { Translation } from '../../mapping/loss.js';
import { validateDiamond } from '../../mapping/validate.js';
import type { DiamondRecord } from '../../types/diamond.js';
import { exportHistory } from './export.js';
import { utcMillis } from './event-hash.js';
import { importEpcis } from './import.js';
import { eventListPointer, type AnyEpcisDocument, type EpcisDocument, type EpcisEvent } from './types.js';
import { gs1EpcisContext } from './vocab.js';

/**
 * An EPCIS document as given (an `EPCISDocument`, or the `EPCISQueryDocument` a repository answers a query
 * with), or a bare event wrapped in a document (with the event's own context, if any). Each event must have
 * a type and an eventTime that is a timestamp; the error names the first that has not.
 */
export function readEpcis(input: unknown): AnyEpcisDocument {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new MappingError('', input, 'an EPCIS 2.0 document or a single EPCIS event (a JSON object)');
  const candidate = input as Record<string, unknown>;
  if (candidate.type === 'EPCISDocument' || candidate.type === 'EPCISQueryDocument') {
    const document = candidate as unknown as AnyEpcisDocument;
    const pointer = eventListPointer(document);
    const eventList = pointer
      .split('/')
      .slice(1)
      .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), candidate);
    if (!Array.isArray(eventList) || !eventList.every(isObject))
      throw new MappingError(pointer, eventList ?? null, 'a list of EPCIS events');
    eventList.forEach((event, index) => checkEvent(event, `${pointer}/${index}`));
    return document;
  }
  if (typeof candidate.type === 'string' && typeof candidate.eventTime === 'string') {
    checkEvent(candidate, '');
    const event = candidate as EpcisEvent;
    return {
      '@context': event['@context'] ?? gs1EpcisContext,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: event.eventTime,
      epcisBody: { eventList: [event] },
    };
  }
  throw new MappingError(
    '/type',
    candidate.type,
    '"EPCISDocument", "EPCISQueryDocument", or an EPCIS event with a type and an eventTime',
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The members every EPCIS event has, whatever its type (EPCIS 2.0 section 7.4.1). */
function checkEvent(event: Record<string, unknown>, pointer: string): void {
  if (typeof event.type !== 'string' || event.type.length === 0)
    throw new MappingError(`${pointer}/type`, event.type ?? null, 'an EPCIS event type');
  if (typeof event.eventTime !== 'string' || Number.isNaN(Date.parse(event.eventTime)))
    throw new MappingError(`${pointer}/eventTime`, event.eventTime ?? null, 'an RFC 3339 date-time');
  for (const list of ['epcList', 'inputEPCList', 'outputEPCList', 'childEPCs'] as const) {
    const epcs = event[list];
    if (epcs !== undefined && (!Array.isArray(epcs) || !epcs.every((e) => typeof e === 'string')))
      throw new MappingError(`${pointer}/${list}`, epcs, 'a list of EPC URIs');
  }
}

/** EPCIS document -> the canonical record of the stone it describes; fails naming what is missing. */
export function epcisToCanonical(document: AnyEpcisDocument): Translation<DiamondRecord> {
  return stoneToCanonical(document);
}

/**
 * The canonical record of the stone `stone` (an EPC) from the events of `document`; without `stone`, of the
 * stone most of its events are about. Fails naming what is missing.
 */
export function stoneToCanonical(document: AnyEpcisDocument, stone?: string): Translation<DiamondRecord> {
  const translation = describedStone(document, stone);
  if (translation === undefined) {
    throw new MappingError(
      eventListPointer(document),
      stone ?? null,
      "a commissioning or transformation event whose ILMD gives the stone's tb:roughCaratWeight (rough) or tb:polished block",
    );
  }
  return translation;
}

/**
 * Like {@link stoneToCanonical}, but undefined when the events only name the stone without stating its
 * master data (a cutting recorded before the rough's own registration): no record of it is held there yet.
 * A record that is stated but not valid still fails, naming the field.
 */
export function describedStone(
  document: AnyEpcisDocument,
  stone?: string,
): Translation<DiamondRecord> | undefined {
  const { value, loss } = importEpcis(document, stone === undefined ? {} : { stone });
  if (value.record === undefined) return undefined;
  const validation = validateDiamond(value.record);
  if (!validation.valid) {
    const first = validation.errors[0]!;
    throw new MappingError(first.pointer, value.record, `a valid canonical record (${first.message})`);
  }
  return { value: validation.record, loss };
}

/**
 * Canonical record -> EPCIS document. `creationDate` is the record's latest event or sync time, so the same
 * record always gives the same document; a record with no time of its own (a stone not yet registered
 * anywhere) is stated as of now, and the events inferred for it say so in the loss report.
 */
export function canonicalToEpcis(record: DiamondRecord): Translation<EpcisDocument> {
  const times = [
    ...(record.events ?? []).map((e) => e.at),
    ...Object.values(record.sources ?? {}).map((s) => s.syncedAt),
  ].flatMap((t) => utcMillis(t) ?? []);
  const creationDate = times.sort().at(-1) ?? new Date().toISOString();
  return exportHistory(record, [], { creationDate });
}
