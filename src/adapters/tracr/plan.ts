/**
 * Which transactions bring the ledger's stone to the stone a canonical record describes. Pure: the client
 * reads the current state, asks here, submits, waits for the block, reads again and asks again until
 * nothing is left to do.
 *
 * What the bridge writes, and how:
 * - a rough stone the ledger lacks: REGISTER_ROUGH carrying the bridge ID as `externalRef` (the ledger
 *   assigns the Tracr ID; a record that already names a Tracr ID the ledger does not hold is refused);
 *   likewise the rough of a polished stone the ledger lacks whose record gives the rough's weight, which
 *   is then polished as a stone the ledger holds;
 * - a polished stone the ledger lacks, cut from a rough it holds (`extensions.tracr.parentId`): SPLIT of
 *   the unsplit rough into one planned part of the record's rough weight, then POLISH of that part; when
 *   the rough is already split, POLISH of the unpolished part of that planned weight;
 * - a stone the ledger holds: UPDATE of differing declared fields (origin, weight, references, polished
 *   attributes), POLISH of an unsplit rough, GRADE, INSCRIBE, and TRANSFER to
 *   `extensions.tracr.ownerParticipantId`, in that order.
 * Fields a record leaves out are left alone on the ledger, never cleared. The ledger decides who may sign
 * what (only the owner transfers, only a manufacturer polishes, only a lab grades); its refusal is final.
 */
import { sameJson } from '../../mapping/content-hash.js';
import type { TracrDiamond, TracrPolished, TracrTransaction } from './native.js';
import { refusal } from './refusals.js';

/** One transaction to sign: `step` names the act, and with the stone's bridge ID makes its nonce (signing.ts). */
export interface PlannedStep {
  step: 'register' | 'split' | 'update' | 'polish' | 'grade' | 'inscribe' | 'transfer';
  type: TracrTransaction['type'];
  payload: Record<string, unknown>;
  /**
   * For a content change (update, grade, inscription, transfer): the ledger state it applies to, the
   * stone's last transaction. Absent for the acts a stone takes once (register, split, polish).
   */
  basis?: string;
}

const DECLARED = ['mine', 'producerRef', 'kpCertificate', 'boxId'] as const;
const POLISHED_KEYS = [
  'shape',
  'caratWeight',
  'colour',
  'fancyColour',
  'clarity',
  'cut',
  'polish',
  'symmetry',
  'fluorescence',
  'measurements',
] as const;

/** REGISTER_ROUGH for a rough stone the ledger does not hold. */
export function planRegistration(desired: TracrDiamond): PlannedStep[] {
  if (desired.diamondId !== undefined)
    refuse(
      `Tracr ID ${desired.diamondId} is not on the ledger, which assigns its own IDs`,
      'identifiers.tracrId',
    );
  // A polished record that still describes its rough (graded before the ledger held the rough) registers
  // that rough; the polish follows as an act of its own, which the signer may or may not be permitted.
  if (desired.kind !== 'ROUGH' && desired.caratWeight === undefined)
    refuse(
      'a polished stone enters the ledger only by polishing a rough it holds: give the rough in extensions.tracr.parentId',
      'lineage.parentId',
    );
  if (desired.caratWeight === undefined)
    refuse('a rough stone is registered with its weight', 'rough.caratWeight');
  if (desired.sourceCountry === undefined)
    refuse('a rough stone is registered with its source country', 'origin.country');
  const payload: Record<string, unknown> = {
    caratWeight: desired.caratWeight,
    sourceCountry: desired.sourceCountry,
  };
  for (const key of DECLARED) if (desired[key] !== null) payload[key] = desired[key];
  const priceHash = desired.privateFields?.price?.hash;
  if (priceHash !== undefined) payload['priceHash'] = priceHash;
  if (desired.externalRef !== undefined) payload['externalRef'] = desired.externalRef;
  return [{ step: 'register', type: 'REGISTER_ROUGH', payload }];
}

/** SPLIT of an unsplit rough into the one planned part a polished record is cut from. */
export function planSplit(parent: TracrDiamond, desired: TracrDiamond): PlannedStep[] {
  const caratWeight = desired.caratWeight ?? desired.polished?.caratWeight;
  if (caratWeight === undefined) refuse('a planned part needs a weight', 'rough.caratWeight');
  return [
    {
      step: 'split',
      type: 'SPLIT',
      payload: { diamondId: parent.diamondId, children: [{ caratWeight }] },
    },
  ];
}

/** The transactions that bring `current` (a stone the ledger holds) to `desired`. */
export function planChanges(current: TracrDiamond, desired: TracrDiamond): PlannedStep[] {
  const diamondId = current.diamondId;
  const basis = current.lastTxId ?? '';
  const steps: PlannedStep[] = [];
  if (current.kind === 'POLISHED' && desired.kind === 'ROUGH')
    refuse(`${diamondId} is polished on the ledger; a stone cannot become rough again`, 'kind');

  const set: Record<string, unknown> = {};
  for (const key of DECLARED)
    if (desired[key] !== null && desired[key] !== current[key]) set[key] = desired[key];
  if (desired.sourceCountry !== undefined && desired.sourceCountry !== current.sourceCountry)
    set['sourceCountry'] = desired.sourceCountry;
  if (desired.caratWeight !== undefined && desired.caratWeight !== current.caratWeight)
    set['caratWeight'] = desired.caratWeight;
  if (current.polished && desired.polished) {
    const corrections = polishedCorrections(current.polished, desired.polished);
    if (corrections) set['polished'] = corrections;
  }
  if (Object.keys(set).length > 0)
    steps.push({ step: 'update', type: 'UPDATE', payload: { diamondId, set }, basis });

  if (current.kind === 'ROUGH' && desired.polished) {
    if ((current.childIds ?? []).length > 0)
      refuse(`${diamondId} is split on the ledger; only its parts can be polished`, 'kind');
    steps.push({ step: 'polish', type: 'POLISH', payload: { diamondId, ...desired.polished } });
  }
  if (desired.grading && !sameJson(desired.grading, current.grading)) {
    if (desired.grading.reportDate === undefined)
      refuse('the ledger records a grading with its report date', 'grading.reportDate');
    steps.push({ step: 'grade', type: 'GRADE', payload: { diamondId, ...desired.grading }, basis });
  }
  if (desired.inscription !== null && desired.inscription !== current.inscription)
    steps.push({
      step: 'inscribe',
      type: 'INSCRIBE',
      payload: { diamondId, inscription: desired.inscription },
      basis,
    });
  const to = desired.owner?.participantId;
  if (to !== undefined && to !== current.owner?.participantId)
    steps.push({ step: 'transfer', type: 'TRANSFER', payload: { diamondId, to }, basis });
  return steps;
}

/** The attributes of `desired` that differ from `current`, as an UPDATE's partial `polished`; null when none. */
function polishedCorrections(current: TracrPolished, desired: TracrPolished): Record<string, unknown> | null {
  const corrections: Record<string, unknown> = {};
  for (const key of POLISHED_KEYS) {
    if (desired[key] !== undefined && !sameJson(desired[key], current[key])) corrections[key] = desired[key];
  }
  return Object.keys(corrections).length > 0 ? corrections : null;
}

function refuse(message: string, field: string): never {
  throw refusal(message, field);
}
