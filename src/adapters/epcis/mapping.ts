/**
 * How each canonical event type is told in EPCIS: event type, action, CBV business step and disposition,
 * and which party list carries its `from` and `to`. Where CBV 2.0 has no step for a trade act (planning a
 * rough, polishing), the step is a URI under the bridge's namespace, which the EPCIS schema allows for
 * non-CBV vocabulary.
 */
import type { EventType } from '../../types/diamond.js';
import { tracebridgeNamespace } from './vocab.js';

/** The EPCIS shape of one canonical event type. */
export interface EpcisShape {
  /** `Transformation` only when the event links stones (a split, or polishing with a known parent). */
  eventType: 'ObjectEvent' | 'TransformationEvent';
  action?: 'ADD' | 'OBSERVE';
  bizStep: string;
  disposition?: string;
  /** CBV source/destination type the event's `from` and `to` go in. */
  parties?: 'owning_party' | 'possessing_party';
  /** CBV business transaction type for the platform's event reference. */
  transactionType?: string;
}

const step = (name: string): string => `${tracebridgeNamespace}bizstep/${name}`;

/** One row per canonical event type. */
export const eventShapes: Readonly<Record<EventType, EpcisShape>> = {
  registered: { eventType: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', disposition: 'active' },
  planned: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: step('planning') },
  split: { eventType: 'TransformationEvent', bizStep: 'commissioning', disposition: 'active' },
  polished: { eventType: 'TransformationEvent', bizStep: step('polishing'), disposition: 'active' },
  // A grading report is a lab's inspection of the stone; the report itself goes in certificationInfo.
  graded: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'inspecting' },
  // A laser inscription writes an identifier onto the object: CBV's encoding step, leaving it encoded.
  inscribed: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'encoding', disposition: 'encoded' },
  certified: {
    eventType: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'inspecting',
    disposition: 'conformant',
  },
  sold: {
    eventType: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'shipping',
    parties: 'owning_party',
    transactionType: 'inv',
  },
  transferred: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', parties: 'owning_party' },
  shipped: {
    eventType: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    parties: 'possessing_party',
  },
  received: {
    eventType: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    parties: 'possessing_party',
  },
  exported: {
    eventType: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep: 'departing',
    disposition: 'in_transit',
    parties: 'possessing_party',
  },
  imported: { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'arriving', parties: 'possessing_party' },
};

/**
 * The canonical type of an event from another system, which carries no `tb:eventType`: read from the CBV
 * business step (short name, CBV URN or web URI). Undefined when no canonical type fits.
 */
export function canonicalTypeOf(
  eventType: string,
  action: string | undefined,
  bizStep: string | undefined,
): EventType | undefined {
  if (eventType === 'TransformationEvent')
    return bizStep && shortStep(bizStep) === 'polishing' ? 'polished' : 'split';
  if (eventType !== 'ObjectEvent') return undefined;
  const name = bizStep === undefined ? undefined : shortStep(bizStep);
  if (action === 'ADD' && (name === 'commissioning' || name === undefined)) return 'registered';
  return name === undefined ? undefined : stepTypes[name];
}

const stepTypes: Record<string, EventType> = {
  commissioning: 'registered',
  planning: 'planned',
  polishing: 'polished',
  inspecting: 'graded',
  encoding: 'inscribed',
  retail_selling: 'sold',
  shipping: 'shipped',
  receiving: 'received',
  departing: 'exported',
  arriving: 'imported',
};

/** `shipping` from `shipping`, `urn:epcglobal:cbv:bizstep:shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`. */
function shortStep(bizStep: string): string {
  const match = /(?:bizstep:|BizStep-|\/bizstep\/)([a-z_]+)$/.exec(bizStep);
  return match ? match[1]! : bizStep;
}
