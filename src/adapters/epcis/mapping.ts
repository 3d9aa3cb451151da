/**
 * How each canonical event type is told in EPCIS: event type, action, CBV business step and disposition,
 * and which party list carries its `from` and `to`. Where CBV 2.0 has no step for a trade act (planning a
 * rough, polishing), the step is a URI under the bridge's namespace, which the EPCIS schema allows for
 * non-CBV vocabulary.
 */
import type { EventType } from '../../types/diamond.js';
import type { EpcisEvent } from './types.js';
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

/** How sure a reading of an EPCIS event as a canonical event is. */
export type Certainty =
  /** The event names its canonical type itself (`tb:eventType`, written by the bridge). */
  | 'declared'
  /** A row of {@link stepReadings} whose meaning is the trade act itself. */
  | 'explicit'
  /** A reading that fits the trade but is not implied by the standard: reported as guessed. */
  | 'guessed';

/** What a CBV business step means for a diamond, for events from systems that carry no `tb:eventType`. */
export interface StepReading {
  /** The canonical type, or undefined when the step has no diamond meaning of its own. */
  type: EventType | undefined;
  certainty: Exclude<Certainty, 'declared'>;
  /** Why, in a sentence for the loss report. */
  why: string;
}

/**
 * Every CBV 2.0 business step the bridge gives a diamond meaning, and the ones it deliberately does not. A
 * step missing from this table has no canonical type: the event is kept in `extensions.epcis` and reported.
 */
export const stepReadings: Readonly<Record<string, StepReading>> = {
  commissioning: {
    type: 'registered',
    certainty: 'explicit',
    why: 'CBV commissioning (action ADD): the stone is first recorded',
  },
  shipping: { type: 'shipped', certainty: 'explicit', why: 'CBV shipping: the stone leaves for a buyer' },
  receiving: { type: 'received', certainty: 'explicit', why: 'CBV receiving: the stone arrives' },
  retail_selling: { type: 'sold', certainty: 'explicit', why: 'CBV retail_selling: the stone is sold' },
  planning: { type: 'planned', certainty: 'explicit', why: "the bridge's planning step" },
  polishing: { type: 'polished', certainty: 'explicit', why: "the bridge's polishing step" },
  departing: {
    type: 'exported',
    certainty: 'guessed',
    why: 'CBV departing (leaving a place) read as an export; EPCIS does not say a border was crossed',
  },
  arriving: {
    type: 'imported',
    certainty: 'guessed',
    why: 'CBV arriving (reaching a place) read as an import; EPCIS does not say a border was crossed',
  },
  encoding: {
    type: 'inscribed',
    certainty: 'guessed',
    why: 'CBV encoding (an identifier written onto the object) read as a laser inscription',
  },
  inspecting: {
    type: undefined,
    certainty: 'explicit',
    why: 'an inspection is a grading only when it carries a grading report (tb:lab and tb:reportNumber); a sensor or quality inspection is not one',
  },
};

/** The canonical reading of one EPCIS event as seen from one stone it names. */
export interface EventReading {
  type: EventType | undefined;
  certainty: Certainty;
  why: string;
}

/**
 * The canonical type of `event` for the stone `subject`. The bridge's own events say it (`tb:eventType`);
 * events from other systems are read through {@link stepReadings}, and a transformation is a split for the
 * stones that go in and a polishing for the ones that come out (explicit when its ILMD is the bridge's,
 * guessed otherwise: a generic transformation need not be a cutting).
 */
export function readEventType(event: EpcisEvent, subject: string, prefix: string): EventReading {
  const declared = event[`${prefix}:eventType`];
  if (typeof declared === 'string' && declared in eventShapes)
    return { type: declared as EventType, certainty: 'declared', why: `${prefix}:eventType` };
  const step = event.bizStep === undefined ? undefined : shortStep(event.bizStep);
  if (event.type === 'TransformationEvent') {
    const ours = Object.keys(event.ilmd ?? {}).some((key) => key.startsWith(`${prefix}:`));
    const type = (event.inputEPCList ?? []).includes(subject) ? 'split' : 'polished';
    return ours
      ? { type, certainty: 'explicit', why: "a transformation carrying the bridge's ILMD" }
      : {
          type,
          certainty: 'guessed',
          why: `a transformation (bizStep ${JSON.stringify(event.bizStep)}) read as a ${type === 'split' ? 'cutting of the stones that go in' : 'polishing of the stones that come out'}; it carries no diamond master data`,
        };
  }
  if (event.action === 'DELETE')
    return {
      type: undefined,
      certainty: 'explicit',
      why: 'action DELETE (decommissioning, unpacking) has no diamond event',
    };
  if (step === 'inspecting' && carriesGradingReport(event, prefix))
    return { type: 'graded', certainty: 'explicit', why: 'an inspection carrying a grading report' };
  if (step === undefined)
    return event.type === 'ObjectEvent' && event.action === 'ADD'
      ? {
          type: 'registered',
          certainty: 'guessed',
          why: 'an ObjectEvent ADD without a bizStep read as a registration',
        }
      : {
          type: undefined,
          certainty: 'explicit',
          why: `a ${event.type} without a bizStep has no diamond event`,
        };
  const reading = stepReadings[step];
  if (reading === undefined)
    return {
      type: undefined,
      certainty: 'explicit',
      why: `no canonical event type for a ${event.type} with bizStep ${JSON.stringify(event.bizStep)}`,
    };
  if (step === 'commissioning' && !(event.type === 'ObjectEvent' && event.action === 'ADD'))
    return {
      type: undefined,
      certainty: 'explicit',
      why: `commissioning in a ${event.type} ${event.action ?? ''} is not a registration`,
    };
  return reading;
}

/** Whether an inspecting event names a grading report in the bridge's terms (lab and report number). */
export function carriesGradingReport(event: EpcisEvent, prefix: string): boolean {
  return typeof event[`${prefix}:lab`] === 'string' && typeof event[`${prefix}:reportNumber`] === 'string';
}

/** `shipping` from `shipping`, `urn:epcglobal:cbv:bizstep:shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`. */
export function shortStep(bizStep: string): string {
  const match = /(?:bizstep:|BizStep-|\/bizstep\/)([a-z_]+)$/.exec(bizStep);
  return match ? match[1]! : bizStep;
}
