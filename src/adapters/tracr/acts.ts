/**
 * Who signs each act on the ledger. The bridge signs every write as the participant of the organisation
 * that performs the act, never as one participant for all:
 * - the stone's organisation (`owner.org`) registers it, and updates, splits, polishes and transfers it
 *   while its participant holds the stone on the ledger;
 * - a lab grades it (and may inscribe it, as may the holder).
 * The ledger's own rules stand behind this (only a producer registers, only the holder that is a
 * manufacturer polishes, only a lab grades); asking them here, before anything is signed, keeps a write
 * from half happening, and turns an act no configured signer may take into "not permitted" with the reason.
 */
import { NotPermittedError } from '../errors.js';
import type { LedgerReader, Participant } from './ledger.js';
import type { TracrDiamond } from './native.js';
import type { PlannedStep } from './plan.js';
import type { Signer } from './signing.js';

/** The signers the bridge holds for the ledger. */
export interface LedgerSigners {
  /** The signer acting for bridge organisation `org`, or undefined when none is configured. */
  forOrg(org: string | undefined): Signer | undefined;
  /** Every signer, in the registry's order: where the lab that grades is found. */
  readonly all: readonly Signer[];
}

/** One signer for every organisation: the one-participant bridge (`TRACR_PARTICIPANT_ID`). */
export function oneSigner(signer: Signer): LedgerSigners {
  return { forOrg: () => signer, all: [signer] };
}

/** The ledger role each act needs from its signer. */
const roleFor: Partial<Record<PlannedStep['step'], Participant['role']>> = {
  register: 'producer',
  split: 'manufacturer',
  polish: 'manufacturer',
  grade: 'lab',
};

/** The canonical field each act writes, for the reason a refusal names. */
const fieldFor: Record<PlannedStep['step'], string> = {
  register: 'owner.org',
  split: 'polished',
  polish: 'polished',
  update: 'owner.org',
  grade: 'grading',
  inscribe: 'identifiers.inscription',
  transfer: 'extensions.tracr.ownerParticipantId',
};

/** What choosing a signer reads: the signers, and the participants' roles (read once each). */
export interface ActContext {
  signers: LedgerSigners;
  ledger: LedgerReader;
  roles: Map<string, Promise<Participant['role']>>;
}

/** The stone an act is taken on: its organisation, and the ledger's state of it when the ledger holds it. */
export interface ActOn {
  org: string | undefined;
  current: TracrDiamond | undefined;
  /** The bridge ID, for the reason. */
  stone: string;
}

/** The signer that takes `step` on `on`; throws {@link NotPermittedError} naming why none may. */
export async function signerFor(ctx: ActContext, step: PlannedStep, on: ActOn): Promise<Signer> {
  const refuse = (reason: string): never => {
    throw new NotPermittedError(`${step.type}: ${reason}`, {
      adapter: 'tracr',
      stone: on.stone,
      field: fieldFor[step.step],
    });
  };
  const holder = on.current?.owner?.participantId;
  const own = ctx.signers.forOrg(on.org);
  const ownHolds = own !== undefined && (holder === undefined || holder === own.participantId);
  if (step.step === 'grade' || (step.step === 'inscribe' && !ownHolds)) {
    for (const signer of ctx.signers.all) if ((await roleOf(ctx, signer)) === 'lab') return signer;
    return refuse(
      `no lab is among the bridge's ledger signers; the ledger takes a ${step.step} only from a lab or the holder`,
    );
  }
  if (own === undefined)
    return refuse(`no ledger signer is configured for organisation ${JSON.stringify(on.org ?? '')}`);
  if (!ownHolds)
    return refuse(
      `${on.current?.diamondId ?? 'the stone'} is held on the ledger by ${holder}, not by ${own.participantId}, the participant of organisation ${JSON.stringify(on.org ?? '')}`,
    );
  const needed = roleFor[step.step];
  const role = needed === undefined ? undefined : await roleOf(ctx, own);
  if (needed !== undefined && role !== needed)
    return refuse(
      `${own.participantId} is a ${role}; the ledger takes this ${step.step} only from a ${needed}`,
    );
  return own;
}

function roleOf(ctx: ActContext, signer: Signer): Promise<Participant['role']> {
  let role = ctx.roles.get(signer.participantId);
  if (role === undefined) {
    role = ctx.ledger.participant(signer.participantId).then((participant) => participant.role);
    // A failed read (an outage) is asked again next time rather than remembered.
    role.catch(() => ctx.roles.delete(signer.participantId));
    ctx.roles.set(signer.participantId, role);
  }
  return role;
}
