/**
 * A whole EPCIS document sorted event by event: each event is attached to the stones it names that the
 * bridge knows, retracted by an error declaration, or about no stone the bridge knows. Finding the stones is
 * the only I/O ({@link identifyStones}, through the identity map); the sorting itself is pure.
 */
import type { IdentifierName } from '../../mapping/identifiers.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import type { CustodyEvent } from '../../types/diamond.js';
import {
  correctionsOf,
  eventIdKey,
  findRetractions,
  retractionOf,
  retractionReason,
} from './declarations.js';
import { normaliseIdentifier } from './digital-link.js';
import {
  bridgeStoneOf,
  documentTerms,
  eventIdOf,
  readCustodyEvent,
  reportReading,
  subjectsOf,
} from './events.js';
import type { Certainty } from './mapping.js';
import { eventListOf, eventListPointer, type AnyEpcisDocument } from './types.js';
import { parseStoneEpc } from './vocab.js';

/** What one event of the document means for one stone the bridge knows. */
export interface Attachment {
  /** The stone's bridge ID. */
  stone: string;
  /** The EPC the event names it by. */
  epc: string;
  /** The canonical event; absent when the event has no diamond meaning (it is then kept whole, see `why`). */
  event?: CustodyEvent;
  certainty: Certainty;
  /** Why the event reads as it does, from the mapping table. */
  why: string;
}

interface OutcomeBase {
  /** Index in the document's event list. */
  index: number;
  /** The event's ID: its eventID, or its CBV 2.0 event hash when it carries none. */
  eventID: string;
  /** The EPCIS event type (ObjectEvent, TransformationEvent, ...). */
  eventType: string;
}

/** The event names stones the bridge knows: it joins their histories. */
export interface AttachedOutcome extends OutcomeBase {
  outcome: 'attached';
  attachments: Attachment[];
  /** EPCs the event also names that are no stone the bridge knows. */
  unknownEpcs: string[];
  /** The retracted events this one corrects (it is listed in their declarations' `correctiveEventIDs`). */
  corrects?: string[];
}

/** The event is an error declaration, or the event one declares: it joins no history. */
export interface RetractedOutcome extends OutcomeBase {
  outcome: 'retracted';
  /** True for the declaring event, false for the declared event found in the same document. */
  declaration: boolean;
  /** The ID of the retracted event. */
  retracts: string;
  reason: string | undefined;
  declarationTime: string | undefined;
  correctiveEventIDs: string[];
  /** Stones the bridge knows that the retracted event names: an earlier import's event leaves their history. */
  stones: string[];
}

/** The event names nothing the bridge knows as a stone. */
export interface NoKnownStoneOutcome extends OutcomeBase {
  outcome: 'no-known-stone';
  epcs: string[];
}

/** One event's outcome. */
export type EventOutcome = AttachedOutcome | RetractedOutcome | NoKnownStoneOutcome;

/**
 * Sorts every event of `document`. `stones` maps each EPC the bridge knows (as written, or as a canonical GS1
 * Digital Link) to its bridge ID, as {@link identifyStones} answers. Without it, the bridge's own stone URIs
 * naming a bridge ID are taken as known (a document the bridge exported, read without a store).
 */
export function sortEvents(
  document: AnyEpcisDocument,
  stones?: ReadonlyMap<string, string>,
): Translation<EventOutcome[]> {
  const loss = new LossReport();
  const eventList = eventListOf(document);
  const listPointer = eventListPointer(document);
  const terms = documentTerms(document);
  const retractions = findRetractions(eventList, terms);
  const corrections = correctionsOf(retractions);
  // An EPC URN and the Digital Link of the same object are one stone: compare both as written and canonical.
  const stoneOf = (epc: string): string | undefined =>
    stones === undefined ? bridgeStoneOf(epc) : (stones.get(epc) ?? stones.get(normaliseIdentifier(epc)));

  const outcomes = eventList.map((event, index): EventOutcome => {
    const pointer = `${listPointer}/${index}`;
    const eventID = eventIdOf(event, terms);
    const base = { index, eventID, eventType: event.type };
    const epcs = subjectsOf(event, terms.prefix);
    const known = epcs.flatMap((epc) => {
      const stone = stoneOf(epc);
      return stone === undefined ? [] : [{ epc, stone }];
    });
    const retraction = retractionOf(event, retractions, terms);
    if (retraction !== undefined) {
      const declaration = retraction.declaredBy === index;
      loss.dropped(pointer, eventID, retractionReason(retraction, declaration));
      return {
        ...base,
        outcome: 'retracted',
        declaration,
        retracts: retraction.eventID,
        reason: retraction.reason,
        declarationTime: retraction.declarationTime,
        correctiveEventIDs: retraction.correctiveEventIDs,
        stones: [...new Set(known.map((k) => k.stone))],
      };
    }
    if (known.length === 0) {
      loss.dropped(pointer, epcs, 'about no stone the bridge knows');
      return { ...base, outcome: 'no-known-stone', epcs };
    }
    if (event[`${terms.prefix}:inferred`] === true) {
      // The exporting bridge stated it from the record (lineage, existence): its stones, not their history.
      const why = 'inferred by the bridge that exported it from the record, not an event of the history';
      return {
        ...base,
        outcome: 'attached',
        attachments: known.map(({ epc, stone }) => ({ stone, epc, certainty: 'declared', why })),
        unknownEpcs: epcs.filter((epc) => stoneOf(epc) === undefined),
      };
    }
    const attachments = known.map(({ epc, stone }): Attachment => {
      const { reading, event: canonical } = readCustodyEvent(event, epc, terms, stoneOf);
      reportReading(event, reading, pointer, loss);
      return {
        stone,
        epc,
        ...(canonical === undefined ? {} : { event: canonical }),
        certainty: reading.certainty,
        why: canonical === undefined ? `${reading.why}; kept in extensions.epcis` : reading.why,
      };
    });
    const corrects = corrections.get(eventIdKey(eventID));
    return {
      ...base,
      outcome: 'attached',
      attachments,
      unknownEpcs: epcs.filter((epc) => stoneOf(epc) === undefined),
      ...(corrects === undefined ? {} : { corrects }),
    };
  });
  return loss.result(outcomes);
}

/**
 * How the bridge finds a stone: the identity map's two questions (a platform's reference; a canonical
 * identifier) and whether it holds a bridge ID. The store's identity map and diamonds answer them.
 */
export interface StoneDirectory {
  resolve(platform: string, ref: string): Promise<string | null>;
  findByIdentifier(name: IdentifierName, value: string): Promise<string | null>;
  has(id: string): Promise<boolean>;
}

/**
 * Every EPC of `document` that names a stone the bridge knows, with its bridge ID: the bridge's own stone
 * URIs by bridge ID (when the store holds it) or canonical identifier, and any other EPC (EPC URN or GS1
 * Digital Link) by its link to the `epcis` platform in the identity map, whose refs are canonical Digital
 * Links (see {@link normaliseIdentifier}); an EPC that has no Digital Link form is looked up as written.
 */
export async function identifyStones(
  document: AnyEpcisDocument,
  directory: StoneDirectory,
): Promise<Map<string, string>> {
  const { prefix } = documentTerms(document);
  const epcs = new Set<string>();
  for (const event of eventListOf(document)) {
    for (const epc of subjectsOf(event, prefix)) epcs.add(epc);
    // A transformation's other side names the parent or children of the stones it is about.
    for (const epc of [...(event.inputEPCList ?? []), ...(event.outputEPCList ?? [])]) epcs.add(epc);
  }
  const found = new Map<string, string>();
  await Promise.all(
    [...epcs].map(async (epc) => {
      const stone = await lookUp(epc, directory);
      if (stone !== null) found.set(epc, stone);
    }),
  );
  return found;
}

async function lookUp(epc: string, directory: StoneDirectory): Promise<string | null> {
  const own = parseStoneEpc(epc);
  if (own !== undefined && 'id' in own) return (await directory.has(own.id)) ? own.id : null;
  if (own !== undefined) return directory.findByIdentifier(own.identifier, own.value);
  const canonical = normaliseIdentifier(epc);
  return (
    (await directory.resolve('epcis', canonical)) ??
    (canonical === epc ? null : await directory.resolve('epcis', epc))
  );
}
