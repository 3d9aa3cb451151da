/**
 * Writes stones to the ledger in rounds: read each stone's current state (verified), plan the
 * transactions it still needs (plan.ts), sign them with nonces that name each act (signing.ts), submit
 * them together (the batch route carries up to the ledger's declared maximum), wait until a block holds
 * them and check their inclusion proofs, then read again. A stone is done when nothing is left to do.
 *
 * A retry after a lost reply signs the same nonces, so the ledger answers with the original transactions
 * and nothing is written twice, even when the retry happens before the first attempt reached a block.
 * A registration's nonce names the stone (its bridge ID) and nothing else, so a stone edited while its
 * registration is in doubt is still registered once; the edit follows as an update.
 */
import type { PutItem, PutResult } from '../contract.js';
import { NotPermittedError } from '../errors.js';
import { signerFor } from './acts.js';
import type { CommittedTransaction } from './ledger.js';
import type { TracrDiamond } from './native.js';
import { planChanges, planRegistration, planSplit, type PlannedStep } from './plan.js';
import { mapOrRefuse, refusal } from './refusals.js';
import { actNonce, type Signer } from './signing.js';
import {
  retryLater,
  sign,
  submitAll,
  waitAllCommitted,
  type Submitted,
  type WriterContext,
} from './submit.js';
import { fromCanonical } from './transform.js';

export type { WriterContext } from './submit.js';

/** One stone being written. */
interface Write {
  /** The bridge's ID for the stone (the idempotency key for a record that has none): names its acts. */
  stone: string;
  /** The bridge organisation of the stone (`owner.org`): whose participant registers and holds it. */
  org: string | undefined;
  desired: TracrDiamond;
  /** The stone's Tracr ID, once known. */
  ref: string | undefined;
  created: boolean;
  wrote: boolean;
  /**
   * The stone as the caller just read it (verified), or null when the caller's lookup found none; spares the
   * first round its own read. Undefined once used, or when the caller read nothing.
   */
  held?: TracrDiamond | null;
  /** Steps already submitted: a step planned twice means the ledger did not take what was written. */
  submitted: Set<string>;
  /** Acts no signer the bridge holds may take, by step: set aside, and reported once the rest is written. */
  notPermitted: Map<string, NotPermittedError>;
  result?: PutResult;
  error?: unknown;
}

// Register or split, polish, then grade and inscribe: three rounds at most; one more to see it settled.
const MAX_ROUNDS = 5;

/** Writes each record; one settled result per item, in order, so one bad stone does not fail the others. */
export async function writeStones(
  ctx: WriterContext,
  items: PutItem[],
): Promise<PromiseSettledResult<PutResult>[]> {
  const writes: Write[] = items.map(({ record, idempotencyKey, held, native }) => {
    const write: Write = {
      stone: record.id ?? idempotencyKey,
      org: record.owner?.org,
      // Replaced just below; a record that cannot be mapped fails before anything is read or written.
      desired: { kind: 'ROUGH' } as TracrDiamond,
      ref: undefined,
      created: false,
      wrote: false,
      submitted: new Set(),
      notPermitted: new Map(),
      // Read through this client's own get or find: the native is a verified ledger stone.
      ...(held === undefined
        ? {}
        : { held: held && { ...(held.native as TracrDiamond), diamondId: held.ref } }),
    };
    try {
      // The caller's translation when it gave one: one write runs the transform once.
      write.desired =
        (native as TracrDiamond | undefined) ?? mapOrRefuse(() => fromCanonical(record).value, record.id);
    } catch (error) {
      write.error = error;
    }
    return write;
  });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const active = writes.filter((w) => w.result === undefined && w.error === undefined);
    if (active.length === 0) break;
    const planned: { write: Write; step: PlannedStep; signer: Signer }[] = [];
    await Promise.all(
      active.map(async (write) => {
        try {
          const { steps, current } = await nextSteps(ctx, write);
          const taken = await permitted(ctx, write, steps, current);
          if (taken.length === 0) settle(write);
          for (const { step, signer } of taken) {
            if (write.submitted.has(step.step))
              throw refusal(`the ledger did not take the ${step.type} written earlier`, step.type, write.ref);
            write.submitted.add(step.step);
            planned.push({ write, step, signer });
          }
        } catch (error) {
          write.error = error;
        }
      }),
    );
    const ready = planned.filter(({ write }) => write.error === undefined);
    if (ready.length === 0) continue;
    const answers = await submitAll(
      ctx,
      await Promise.all(ready.map(({ write, step, signer }) => sign(signer, write.stone, step))),
    );
    const accepted: ({ write: Write } & Submitted)[] = [];
    ready.forEach(({ write, step, signer }, index) => {
      const answer = answers[index]!;
      if ('error' in answer) {
        write.error ??= answer.error;
        return;
      }
      if (step.step === 'register') write.ref = answer.status.diamondId;
      if (step.step === 'split') write.ref = answer.status.diamondIds[1];
      if (step.step === 'register' || step.step === 'split') write.created = true;
      else write.wrote = true;
      accepted.push({ write, status: answer.status, signerKey: signer.publicKey });
    });
    if (accepted.length === 0) continue;
    const committed = await waitAllCommitted(ctx, accepted);
    accepted.forEach(({ write }, index) => {
      if (committed[index] !== undefined) write.error ??= committed[index];
    });
  }
  return writes.map((write): PromiseSettledResult<PutResult> => {
    if (write.result) return { status: 'fulfilled', value: write.result };
    const reason = write.error ?? refusal('the stone did not settle on the ledger', 'kind', write.ref);
    return { status: 'rejected', reason };
  });
}

function outcome(write: Write): PutResult {
  return { ref: write.ref ?? '', outcome: write.created ? 'created' : write.wrote ? 'updated' : 'unchanged' };
}

/** Ends a write with nothing left it may do: done, or not permitted with every act it had to set aside. */
function settle(write: Write): void {
  const refused = [...write.notPermitted.values()];
  if (refused.length === 0) {
    write.result = outcome(write);
    return;
  }
  write.error = new NotPermittedError(refused.map((error) => error.reason).join('; '), {
    adapter: 'tracr',
    stone: write.stone,
    ...(refused[0]!.field === undefined ? {} : { field: refused[0]!.field }),
    ref: write.ref,
  });
}

/** A split or a polish makes the stone the acts after it apply to: without it they cannot follow. */
const GATES = new Set<PlannedStep['step']>(['register', 'split', 'polish']);

/**
 * The planned steps some signer may take, each with its signer, in order. A step none may take is set
 * aside with the reason; what does not depend on it still goes ahead (a lab's grade beside an update only
 * the holder could sign), and nothing is signed before every signer is known, so no act half happens.
 */
async function permitted(
  ctx: WriterContext,
  write: Write,
  steps: PlannedStep[],
  current: TracrDiamond | undefined,
): Promise<{ step: PlannedStep; signer: Signer }[]> {
  const taken: { step: PlannedStep; signer: Signer }[] = [];
  for (const step of steps) {
    if (!write.notPermitted.has(step.step)) {
      try {
        taken.push({
          step,
          signer: await signerFor(ctx, step, { org: write.org, current, stone: write.stone }),
        });
        continue;
      } catch (error) {
        if (!(error instanceof NotPermittedError)) throw error;
        write.notPermitted.set(step.step, error);
      }
    }
    if (GATES.has(step.step)) break;
  }
  return taken;
}

/** The steps the stone still needs, and the ledger's state of the stone they apply to (none to register). */
interface NextSteps {
  steps: PlannedStep[];
  current: TracrDiamond | undefined;
}

const changes = (current: TracrDiamond, desired: TracrDiamond): NextSteps => ({
  steps: planChanges(current, desired),
  current,
});
const registration = (desired: TracrDiamond): NextSteps => ({
  steps: planRegistration(desired),
  current: undefined,
});

/** What the stone still needs, read from the ledger as it is now. */
async function nextSteps(ctx: WriterContext, write: Write): Promise<NextSteps> {
  const { desired } = write;
  const held = write.held;
  delete write.held;
  // What the caller read stands in for the read below only where that read would ask the same question:
  // the stone by the Tracr ID the record names, or, with no Tracr ID and no rough to cut it from, whether
  // the ledger holds the stone at all. Anything else (a split part, an ambiguous reference) reads here.
  if (held && write.ref === undefined && desired.diamondId === held.diamondId) {
    write.ref = held.diamondId;
    return changes(held, desired);
  }
  if (held === null && desired.diamondId === undefined && !desired.parentId) return registration(desired);
  if (write.ref !== undefined) {
    const current = await ctx.ledger.stone(write.ref);
    if (!current)
      throw retryLater(`${write.ref} is committed but the ledger does not serve it yet`, write.ref);
    return changes(current, desired);
  }
  if (desired.diamondId !== undefined) {
    const current = await ctx.ledger.stone(desired.diamondId);
    if (!current) return registration(desired);
    write.ref = current.diamondId;
    return changes(current, desired);
  }
  if (desired.parentId) {
    const parent = await ctx.ledger.stone(desired.parentId);
    if (!parent) throw refusal(`the rough ${desired.parentId} is not on the ledger`, 'lineage.parentId');
    if ((parent.childIds ?? []).length === 0) return { steps: planSplit(parent, desired), current: parent };
    const part = await ownPart(ctx, write, parent);
    write.ref = part.diamondId;
    return changes(part, desired);
  }
  if (desired.producerRef !== null) {
    const current = await byProducerRef(ctx, write, desired.producerRef);
    if (current) {
      write.ref = current.diamondId;
      return changes(current, desired);
    }
  }
  return registration(desired);
}

/**
 * The stone the stone's own organisation registered under `producerRef`. A producer's reference is unique
 * only among its own stones: another participant's stone under the same reference is never this one, so it
 * is never updated in its place (and an organisation without a signer has registered nothing to find).
 */
async function byProducerRef(
  ctx: WriterContext,
  write: Write,
  producerRef: string,
): Promise<TracrDiamond | null> {
  const registrant = ctx.signers.forOrg(write.org)?.participantId;
  if (registrant === undefined) return null;
  const listed = (await ctx.ledger.listAll({ producerRef })).filter(
    (stone) => stone.events?.[0]?.participantId === registrant,
  );
  if (listed.length > 1)
    throw refusal(
      `${listed.length} stones of ${registrant} carry producerRef ${producerRef}`,
      'identifiers.producerRef',
    );
  const id = listed[0]?.diamondId;
  return id === undefined ? null : ctx.ledger.stone(id);
}

/**
 * The planned part of an already split rough that this write polishes: the one this write's own SPLIT or
 * POLISH made (recognised by its nonce), else the first unpolished part of the record's rough weight.
 */
async function ownPart(ctx: WriterContext, write: Write, parent: TracrDiamond): Promise<TracrDiamond> {
  const ours = async (txId: unknown, step: string): Promise<CommittedTransaction | undefined> => {
    if (typeof txId !== 'string') return undefined;
    const committed = await ctx.ledger.transaction(txId);
    const { participantId, nonce } = committed.tx;
    // The stone's organisation splits and polishes it, so its participant signed what this write made.
    return participantId === ctx.signers.forOrg(write.org)?.participantId &&
      nonce === actNonce(write.stone, { step })
      ? committed
      : undefined;
  };
  const split = await ours(parent.events?.find((event) => event.type === 'split')?.txId, 'split');
  const madeBySplit = split?.diamondIds[1];
  if (madeBySplit) {
    const part = await ctx.ledger.stone(madeBySplit);
    if (part) return part;
  }
  let unpolished: TracrDiamond | undefined;
  for (const childId of parent.childIds ?? []) {
    const part = await ctx.ledger.stone(childId);
    if (!part) continue;
    const polished = part.events?.find((event) => event.type === 'polished');
    if (polished) {
      if (await ours(polished.txId, 'polish')) return part;
    } else if (
      part.kind === 'ROUGH' &&
      (part.childIds ?? []).length === 0 &&
      (write.desired.caratWeight === undefined || write.desired.caratWeight === part.caratWeight)
    ) {
      unpolished ??= part;
    }
  }
  if (unpolished) return unpolished;
  throw refusal(
    `the rough ${parent.diamondId} is already split and has no unpolished part of ${write.desired.caratWeight ?? 'any'} ct`,
    'lineage.parentId',
  );
}
