/**
 * A stone's ledger history as canonical custody events, and back.
 *
 * Each ledger event becomes `{type, at, platform: 'tracr', actor, ref, from?, to?}`: `at` the transaction's
 * timestamp with a UTC offset, `ref` its transaction ID, `actor`/`from`/`to` the signing participants' IDs
 * (the ledger names participants, not organisations; `GET /v1/participants/:id` has the organisation).
 * What a canonical event has no place for is kept in `extensions.tracr.events`, one entry per ledger event
 * in order: the leftover details (`{caratWeight}`, `{childIds}`, `{priceHash}`) of an event that has a
 * canonical type, or the whole ledger event (it has a `type`) for one that has none, such as `updated`.
 */
import { MappingError, parseTimestamp, type LossReport } from '../../mapping/index.js';
import type { CustodyEvent, EventType } from '../../types/diamond.js';
import type { TracrEvent } from './native.js';

/** Ledger event types with a canonical home (the canonical names are the same words). */
const mapped = new Set<string>([
  'registered',
  'split',
  'polished',
  'graded',
  'inscribed',
  'sold',
  'transferred',
]);

/** Ledger events as canonical events plus the per-event details kept in extensions. */
export function eventsToCanonical(events: readonly TracrEvent[]): {
  events: CustodyEvent[];
  details: Record<string, unknown>[];
} {
  const canonical: CustodyEvent[] = [];
  const details: Record<string, unknown>[] = [];
  events.forEach((event, index) => {
    if (!mapped.has(event.type)) {
      details.push(structuredClone(event));
      return;
    }
    const { type, at, txId, participantId, from, to, ...rest } = event;
    const pointer = `/events/${index}`;
    if (typeof participantId !== 'string' || typeof txId !== 'string')
      throw new MappingError(pointer, event, 'a ledger event with a txId and a participantId');
    const out: CustodyEvent = {
      type: type as EventType,
      at: parseTimestamp(at, `${pointer}/at`),
      platform: 'tracr',
      actor: participantId,
      ref: txId,
    };
    if (typeof from === 'string') out.from = from;
    if (typeof to === 'string') out.to = to;
    canonical.push(out);
    details.push(structuredClone(rest));
  });
  return { events: canonical, details };
}

/**
 * Canonical events back to the ledger's, merging the details kept in extensions. Events another platform
 * recorded have no place in this ledger's history and are reported as dropped.
 */
export function eventsFromCanonical(
  events: readonly CustodyEvent[],
  details: readonly unknown[] | undefined,
  loss: LossReport,
): TracrEvent[] {
  const ours: CustodyEvent[] = [];
  events.forEach((event, index) => {
    if (event.platform === 'tracr' && mapped.has(event.type)) {
      ours.push(event);
      for (const key of ['parentId', 'childIds', 'location', 'note'] as const) {
        if (event[key] !== undefined)
          loss.dropped(
            `/events/${index}/${key}`,
            event[key],
            `the ledger's ${event.type} event has no ${key}`,
          );
      }
    } else
      loss.dropped(
        `/events/${index}`,
        event,
        `a ${event.type} event recorded by ${event.platform}; the ledger keeps only its own history`,
      );
  });
  const out: TracrEvent[] = [];
  let next = 0;
  for (const detail of details ?? []) {
    if (!isObject(detail)) continue;
    if (typeof detail['type'] === 'string') {
      out.push(structuredClone(detail) as TracrEvent);
      continue;
    }
    const event = ours[next++];
    if (event) out.push(eventFromCanonical(event, detail));
  }
  for (const event of ours.slice(next)) out.push(eventFromCanonical(event, {}));
  return out;
}

function eventFromCanonical(event: CustodyEvent, detail: Record<string, unknown>): TracrEvent {
  const out: TracrEvent = {
    type: event.type,
    at: Date.parse(event.at),
    txId: event.ref ?? '',
    participantId: event.actor ?? '',
    ...structuredClone(detail),
  };
  if (event.from !== undefined) out['from'] = event.from;
  if (event.to !== undefined) out['to'] = event.to;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
