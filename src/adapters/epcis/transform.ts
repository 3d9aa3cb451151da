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
import type { EpcisDocument, EpcisEvent } from './types.js';
import { gs1EpcisContext } from './vocab.js';

/** An EPCIS document as given, or a bare event wrapped in one (with the event's own context, if any). */
export function readEpcis(input: unknown): EpcisDocument {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new MappingError('', input, 'an EPCIS 2.0 document or a single EPCIS event (a JSON object)');
  const candidate = input as Record<string, unknown>;
  if (candidate.type === 'EPCISDocument') {
    const eventList = (candidate.epcisBody as { eventList?: unknown } | undefined)?.eventList;
    if (
      !Array.isArray(eventList) ||
      !eventList.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e))
    )
      throw new MappingError('/epcisBody/eventList', eventList, 'a list of EPCIS events');
    return candidate as EpcisDocument;
  }
  if (typeof candidate.type === 'string' && typeof candidate.eventTime === 'string') {
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
    '"EPCISDocument", or an EPCIS event with a type and an eventTime',
  );
}

/** EPCIS document -> the canonical record of the stone it describes; fails naming what is missing. */
export function epcisToCanonical(document: EpcisDocument): Translation<DiamondRecord> {
  const { value, loss } = importEpcis(document);
  if (value.record === undefined) {
    throw new MappingError(
      '/epcisBody/eventList',
      value.stone ?? null,
      "a commissioning or transformation event whose ILMD gives the stone's tb:roughCaratWeight (rough) or tb:polished block",
    );
  }
  const validation = validateDiamond(value.record);
  if (!validation.valid) {
    const first = validation.errors[0]!;
    throw new MappingError(first.pointer, value.record, `a valid canonical record (${first.message})`);
  }
  return { value: validation.record, loss };
}

/**
 * Canonical record -> EPCIS document. `creationDate` is the record's latest event or sync time, so the same
 * record always gives the same document; `exportHistory` stamps the current time instead.
 */
export function canonicalToEpcis(record: DiamondRecord): Translation<EpcisDocument> {
  const times = [
    ...(record.events ?? []).map((e) => e.at),
    ...Object.values(record.sources ?? {}).map((s) => s.syncedAt),
  ].flatMap((t) => utcMillis(t) ?? []);
  // The epoch stands in for "no time known": a record without events or syncs has no date of its own.
  const creationDate = times.sort().at(-1) ?? '1970-01-01T00:00:00.000Z';
  return exportHistory(record, [], { creationDate });
}
