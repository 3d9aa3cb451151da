/**
 * Events the record implies but its history does not hold: a stone with a parent was cut from it, a rough
 * with children was split into them, and every stone came into being somewhere. An EPCIS reader learns
 * lineage and master data only from events (TransformationEvents, ILMD), so the export states these as events
 * of their own, marked `tb:inferred`, dated by the nearest time the record knows, and reported as guessed.
 * The bridge's own import reads their lineage and ILMD but never adds them to a stone's history.
 */
import type { LossReport } from '../../mapping/loss.js';
import type { DiamondRecord } from '../../types/diamond.js';
import { eventShapes } from './mapping.js';
import type { EpcisEvent } from './types.js';
import { stoneEpcOf, tb } from './vocab.js';

/**
 * The events `stone` implies that `events` (its history, already in EPCIS form) lacks: those that come before
 * the history (its coming into being) and after it (its split). `statedAt` dates them when the record has no
 * event time at all; `base` prefixes loss pointers.
 */
export function inferredEvents(
  stone: DiamondRecord,
  epc: string,
  events: readonly EpcisEvent[],
  statedAt: string,
  base: string,
  loss: LossReport,
): { before: EpcisEvent[]; after: EpcisEvent[] } {
  const times = (stone.events ?? []).map((e) => e.at).filter((at) => !Number.isNaN(Date.parse(at)));
  const byTime = [...times].sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = byTime[0] ?? statedAt;
  const last = byTime.at(-1) ?? statedAt;
  const dated = times.length > 0 ? 'the time of its first recorded event' : 'the time of this document';
  const before: EpcisEvent[] = [];
  const after: EpcisEvent[] = [];
  const transformations = events.filter((e) => e.type === 'TransformationEvent');

  const parentId = stone.lineage?.parentId;
  if (parentId !== undefined) {
    const parentEpc = stoneEpcOf(parentId);
    const cut = transformations.some(
      (e) => e.inputEPCList?.includes(parentEpc) && e.outputEPCList?.includes(epc),
    );
    if (!cut) {
      before.push(transformation('polished', [parentEpc], [epc], first));
      loss.guessed(
        `${base}/lineage/parentId`,
        first,
        `no polishing event records when the stone was cut from ${parentId}: stated as a TransformationEvent at ${dated}`,
      );
    }
  }

  const childIds = stone.lineage?.childIds ?? [];
  const uncut = childIds.filter((id) => {
    const childEpc = stoneEpcOf(id);
    return !transformations.some((e) => e.inputEPCList?.includes(epc) && e.outputEPCList?.includes(childEpc));
  });
  if (uncut.length > 0) {
    const at = times.length > 0 ? last : statedAt;
    after.push(transformation('split', [epc], uncut.map(stoneEpcOf), at));
    loss.guessed(
      `${base}/lineage/childIds`,
      at,
      `no split event records when ${uncut.join(', ')} were cut from the stone: stated as a TransformationEvent at ${times.length > 0 ? 'the time of its last recorded event' : 'the time of this document'}`,
    );
  }

  const born = [...events, ...before].some(
    (e) =>
      (e.type === 'ObjectEvent' && e.action === 'ADD') ||
      (e.type === 'TransformationEvent' && e.outputEPCList?.includes(epc)),
  );
  if (!born) {
    const shape = eventShapes.registered;
    before.unshift({
      type: 'ObjectEvent',
      eventTime: first,
      eventTimeZoneOffset: offsetOf(first),
      action: 'ADD',
      epcList: [epc],
      bizStep: shape.bizStep,
      ...(shape.disposition === undefined ? {} : { disposition: shape.disposition }),
      [`${tb}:eventType`]: 'registered',
      [`${tb}:inferred`]: true,
    });
    loss.guessed(
      `${base}/events`,
      first,
      `no registration event is recorded: the stone and its master data are stated by a commissioning event at ${dated}`,
    );
  }
  return { before, after };
}

function transformation(
  type: 'split' | 'polished',
  inputs: string[],
  outputs: string[],
  at: string,
): EpcisEvent {
  const shape = eventShapes[type];
  return {
    type: 'TransformationEvent',
    eventTime: at,
    eventTimeZoneOffset: offsetOf(at),
    inputEPCList: inputs,
    outputEPCList: outputs,
    bizStep: shape.bizStep,
    ...(shape.disposition === undefined ? {} : { disposition: shape.disposition }),
    [`${tb}:eventType`]: type,
    [`${tb}:inferred`]: true,
  };
}

/** The UTC offset an RFC 3339 timestamp was written in, as EPCIS writes it (`+02:00`; `Z` is `+00:00`). */
export function offsetOf(timestamp: string): string {
  const match = /([+-]\d{2}:\d{2})$/.exec(timestamp);
  return match ? match[1]! : '+00:00';
}
