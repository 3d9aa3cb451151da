/**
 * What the bridge keeps in an EPCIS repository for one stone, and what to capture to get there. Pure: no I/O.
 *
 * Each event the export gives a stone is named by an eventID derived from the stone's bridge ID and the act
 * it records, so a capture retried after a lost reply names the same events and the repository, which
 * keeps one event per eventID, stores nothing twice. An event's time is part of its act only when the
 * history recorded it: events the export infers (a registration the history does not hold) are dated by
 * the time of writing, which a retry must not turn into a second act. The event that brings the stone into
 * being carries its master data; when that changes, the event held is declared in error (EPCIS 2.0 section
 * 7.4.1.5) with the new one as its corrective event, so the repository always holds one live registration.
 */
import { MappingError } from '../../mapping/errors.js';
import { canonicalJson, sha256Hex } from '../../mapping/content-hash.js';
import type { DiamondRecord } from '../../types/diamond.js';
import { exportHistory } from './export.js';
import type { EpcisEvent } from './types.js';
import { identityRoot, stoneEpcOf, tb } from './vocab.js';

/** The CBV error reason the bridge gives when it corrects an event it wrote. */
export const correctionReason = 'incorrect_data';

/** The root of the eventIDs the bridge mints for the stone with bridge ID `id`. */
export function eventIdRoot(id: string): string {
  return `${identityRoot}event/${encodeURIComponent(id)}/`;
}

/** The eventID of `act` of the stone `id`; `revision` counts earlier events of that act declared in error. */
export function actEventId(id: string, act: string, revision = 0): string {
  return `${eventIdRoot(id)}${sha256Hex(revision === 0 ? act : `${act}#${revision}`).slice(0, 32)}`;
}

/** An event the bridge wants the repository to hold, with the act that names it. */
export interface WantedEvent {
  act: string;
  event: EpcisEvent;
  /** It brings the stone into being and carries its master data. */
  birth: boolean;
}

/**
 * The events the repository should hold for `record`, in time order; `writtenAt` dates what the history
 * does not. Throws MappingError naming `/id` for a stone without a bridge ID: acts are named by it.
 */
export function wantedEvents(record: DiamondRecord, writtenAt: string): WantedEvent[] {
  if (record.id === undefined)
    throw new MappingError('/id', undefined, "a bridge ID: the repository's events are named by it");
  const epc = stoneEpcOf(record.id);
  const { value } = exportHistory(record, [], { creationDate: writtenAt });
  return value.epcisBody.eventList.map(({ eventID: _hash, ...event }) => {
    const birth = isBirthOf(event, epc);
    const { eventTime: _time, eventTimeZoneOffset: _offset, ...timeless } = event;
    const act = `${birth ? 'birth' : 'event'}:${canonicalJson(event[`${tb}:inferred`] === true ? timeless : event)}`;
    return { act, event: event, birth };
  });
}

/** What a capture must carry to bring the repository from `held` to `wanted`, and whether it holds anything of ours. */
export interface CapturePlan {
  events: EpcisEvent[];
  /** The repository already held live events of this stone that the bridge wrote. */
  heldBefore: boolean;
}

/**
 * The events to capture for the stone `id`: each wanted event the repository lacks, and an error
 * declaration for each live event of ours it holds that is no longer wanted (a registration whose master
 * data changed names its successor as the corrective event). `held` is every event the repository holds
 * about the stone, declarations included; events other systems wrote are never touched.
 */
export function planCapture(
  id: string,
  wanted: readonly WantedEvent[],
  held: readonly EpcisEvent[],
  declaredAt: string,
): CapturePlan {
  const root = eventIdRoot(id);
  const declared = new Set(held.filter((e) => e.errorDeclaration !== undefined).map((e) => e.eventID));
  const live = held.filter(
    (e) =>
      e.errorDeclaration === undefined && e.eventID?.startsWith(root) === true && !declared.has(e.eventID),
  );
  const liveIds = new Set(live.map((e) => e.eventID));
  const named = wanted.map(({ act, event, birth }) => {
    let revision = 0;
    // An act whose event was declared in error earlier (content went A -> B -> A) is written anew.
    while (declared.has(actEventId(id, act, revision))) revision += 1;
    return { event: { ...event, eventID: actEventId(id, act, revision) }, birth };
  });
  const wantedIds = new Set(named.map(({ event }) => event.eventID));
  const newBirth = named.find(({ birth }) => birth)?.event.eventID;
  const missing = named.filter(({ event }) => !liveIds.has(event.eventID)).map(({ event }) => event);
  const retracted = live
    .filter((event) => !wantedIds.has(event.eventID ?? ''))
    .map(({ recordTime: _recordTime, ...event }) => ({
      ...event,
      errorDeclaration: {
        declarationTime: declaredAt,
        reason: correctionReason,
        ...(newBirth !== undefined && isBirthOf(event, stoneEpcOf(id))
          ? { correctiveEventIDs: [newBirth] }
          : {}),
      },
    }));
  return { events: [...missing, ...retracted], heldBefore: live.length > 0 };
}

/** The event brings the stone `epc` into being: a commissioning ADD, or a transformation it comes out of. */
function isBirthOf(event: EpcisEvent, epc: string): boolean {
  return (
    (event.type === 'ObjectEvent' && event.action === 'ADD' && event.epcList?.includes(epc) === true) ||
    (event.type === 'TransformationEvent' && event.outputEPCList?.includes(epc) === true)
  );
}
