/**
 * EPCIS error declarations (EPCIS 2.0 section 7.4.1.5). An event carrying `errorDeclaration` repeats an
 * earlier event, with the same eventID, and declares it erroneous: it is never a real event, and the event
 * it declares is retracted wherever it appears. `correctiveEventIDs` name the events that replace it.
 */
import { eventIdOf, type DocumentTerms } from './events.js';
import type { EpcisEvent } from './types.js';

/** One declared error, by the ID of the event it retracts. */
export interface Retraction {
  /** The retracted event's ID as the declaration gives it (its eventID, or its CBV 2.0 event hash). */
  eventID: string;
  /** Index of the declaring event in the document's event list. */
  declaredBy: number;
  declarationTime: string | undefined;
  reason: string | undefined;
  /** The events that replace the retracted one. */
  correctiveEventIDs: string[];
}

/**
 * An event ID as compared: CBV 2.0 hash IDs (`ni:///sha-256;<hex>?ver=CBV2.0`) by algorithm and digest,
 * whatever the case of the hex and the version parameter; any other ID as written, trimmed.
 */
export function eventIdKey(id: string): string {
  const hash = /^ni:\/\/\/([a-z0-9-]+);([0-9a-fA-F]+)(?:\?.*)?$/i.exec(id.trim());
  return hash ? `ni:///${hash[1]!.toLowerCase()};${hash[2]!.toLowerCase()}` : id.trim();
}

/** Every error declaration in `events`, keyed by {@link eventIdKey} of the event it retracts. */
export function findRetractions(
  events: readonly EpcisEvent[],
  terms: DocumentTerms,
): Map<string, Retraction> {
  const retractions = new Map<string, Retraction>();
  events.forEach((event, index) => {
    const declaration = event.errorDeclaration;
    if (declaration === undefined || declaration === null || typeof declaration !== 'object') return;
    const eventID = eventIdOf(event, terms);
    const corrective = Array.isArray(declaration.correctiveEventIDs)
      ? declaration.correctiveEventIDs.filter((id): id is string => typeof id === 'string')
      : [];
    retractions.set(eventIdKey(eventID), {
      eventID,
      declaredBy: index,
      declarationTime:
        typeof declaration.declarationTime === 'string' ? declaration.declarationTime : undefined,
      reason: typeof declaration.reason === 'string' ? declaration.reason : undefined,
      correctiveEventIDs: corrective,
    });
  });
  return retractions;
}

/** The retraction that applies to `event`, whether it is the declaration itself or the event declared. */
export function retractionOf(
  event: EpcisEvent,
  retractions: ReadonlyMap<string, Retraction>,
  terms: DocumentTerms,
): Retraction | undefined {
  if (retractions.size === 0) return undefined;
  return retractions.get(eventIdKey(eventIdOf(event, terms)));
}

/** The IDs each corrective event corrects, keyed by {@link eventIdKey} of the corrective event. */
export function correctionsOf(retractions: ReadonlyMap<string, Retraction>): Map<string, string[]> {
  const corrects = new Map<string, string[]>();
  for (const retraction of retractions.values()) {
    for (const id of retraction.correctiveEventIDs) {
      const key = eventIdKey(id);
      corrects.set(key, [...(corrects.get(key) ?? []), retraction.eventID]);
    }
  }
  return corrects;
}

/** The sentence the loss report gives for a retracted event. */
export function retractionReason(retraction: Retraction, isDeclaration: boolean): string {
  const why = retraction.reason === undefined ? '' : ` (${retraction.reason})`;
  const replaced =
    retraction.correctiveEventIDs.length > 0
      ? `; replaced by ${retraction.correctiveEventIDs.join(', ')}`
      : '';
  return isDeclaration
    ? `an error declaration${why} retracting ${retraction.eventID}, not an event of its own${replaced}`
    : `retracted by the error declaration at event ${retraction.declaredBy}${why}${replaced}`;
}
