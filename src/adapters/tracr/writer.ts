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
import type { CommittedTransaction } from './ledger.js';
import type { TracrDiamond, TracrTxStatus } from './native.js';
import { planChanges, planRegistration, planSplit, type PlannedStep } from './plan.js';
import { mapOrRefuse, refusal } from './refusals.js';
import { actNonce } from './signing.js';
import { retryLater, sign, submitAll, waitAllCommitted, type WriterContext } from './submit.js';
import { fromCanonical } from './transform.js';

export type { WriterContext } from './submit.js';

/** One stone being written. */
interface Write {
  /** The bridge's ID for the stone (the idempotency key for a record that has none): names its acts. */
  stone: string;
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
  const writes: Write[] = items.map(({ record, idempotencyKey, held }) => {
    const write: Write = {
      stone: record.id ?? idempotencyKey,
      // Replaced just below; a record that cannot be mapped fails before anything is read or written.
      desired: { kind: 'ROUGH' } as TracrDiamond,
      ref: undefined,
      created: false,
      wrote: false,
      submitted: new Set(),
      // Read through this client's own get or find: the native is a verified ledger stone.
      ...(held === undefined
        ? {}
        : { held: held && { ...(held.native as TracrDiamond), diamondId: held.ref } }),
    };
    try {
      write.desired = mapOrRefuse(() => fromCanonical(record).value, record.id);
    } catch (error) {
      write.error = error;
    }
    return write;
  });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const active = writes.filter((w) => w.result === undefined && w.error === undefined);
    if (active.length === 0) break;
    const planned: { write: Write; step: PlannedStep }[] = [];
    await Promise.all(
      active.map(async (write) => {
        try {
          const steps = await nextSteps(ctx, write);
          await checkRole(ctx, steps, write.ref);
          if (steps.length === 0) write.result = outcome(write);
          for (const step of steps) {
            if (write.submitted.has(step.step))
              throw refusal(`the ledger did not take the ${step.type} written earlier`, step.type, write.ref);
            write.submitted.add(step.step);
            planned.push({ write, step });
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
      ready.map(({ write, step }) => sign(ctx, write.stone, step)),
    );
    const accepted: { write: Write; status: TracrTxStatus }[] = [];
    ready.forEach(({ write, step }, index) => {
      const answer = answers[index]!;
      if ('error' in answer) {
        write.error ??= answer.error;
        return;
      }
      if (step.step === 'register') write.ref = answer.status.diamondId;
      if (step.step === 'split') write.ref = answer.status.diamondIds[1];
      if (step.step === 'register' || step.step === 'split') write.created = true;
      else write.wrote = true;
      accepted.push({ write, status: answer.status });
    });
    if (accepted.length === 0) continue;
    const committed = await waitAllCommitted(
      ctx,
      accepted.map(({ status }) => status),
    );
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

/**
 * The role each multi-step transaction needs; a SPLIT is only ever planned to polish the part it makes. A
 * registration is one transaction on its own, so the ledger's refusal of it leaves nothing half done.
 */
const roleFor: Partial<Record<PlannedStep['step'], 'producer' | 'manufacturer' | 'lab'>> = {
  split: 'manufacturer',
  polish: 'manufacturer',
  grade: 'lab',
};
const fieldFor: Partial<Record<PlannedStep['step'], string>> = {
  split: 'polished',
  polish: 'polished',
  grade: 'grading',
};

/**
 * Refuses, before anything is signed, a step the signer's role may not take: the ledger would refuse it
 * too, but only after the steps before it had committed (a rough split for a polish that cannot follow).
 */
async function checkRole(ctx: WriterContext, steps: PlannedStep[], stone: string | undefined): Promise<void> {
  const needed = steps.map((step) => [step.step, roleFor[step.step]] as const).filter(([, role]) => role);
  if (needed.length === 0) return;
  ctx.role ??= (await ctx.ledger.participant(ctx.participantId)).role;
  for (const [step, role] of needed) {
    if (role !== ctx.role)
      throw refusal(
        `${ctx.participantId} is a ${ctx.role}; the ledger takes this ${step} only from a ${role}`,
        fieldFor[step]!,
        stone,
      );
  }
}

/** What the stone still needs, read from the ledger as it is now. */
async function nextSteps(ctx: WriterContext, write: Write): Promise<PlannedStep[]> {
  const { desired } = write;
  const held = write.held;
  delete write.held;
  // What the caller read stands in for the read below only where that read would ask the same question:
  // the stone by the Tracr ID the record names, or, with no Tracr ID and no rough to cut it from, whether
  // the ledger holds the stone at all. Anything else (a split part, an ambiguous reference) reads here.
  if (held && write.ref === undefined && desired.diamondId === held.diamondId) {
    write.ref = held.diamondId;
    return planChanges(held, desired);
  }
  if (held === null && desired.diamondId === undefined && !desired.parentId) return planRegistration(desired);
  if (write.ref !== undefined) {
    const current = await ctx.ledger.stone(write.ref);
    if (!current)
      throw retryLater(`${write.ref} is committed but the ledger does not serve it yet`, write.ref);
    return planChanges(current, desired);
  }
  if (desired.diamondId !== undefined) {
    const current = await ctx.ledger.stone(desired.diamondId);
    if (!current) return planRegistration(desired);
    write.ref = current.diamondId;
    return planChanges(current, desired);
  }
  if (desired.parentId) {
    const parent = await ctx.ledger.stone(desired.parentId);
    if (!parent) throw refusal(`the rough ${desired.parentId} is not on the ledger`, 'lineage.parentId');
    if ((parent.childIds ?? []).length === 0) return planSplit(parent, desired);
    const part = await ownPart(ctx, write, parent);
    write.ref = part.diamondId;
    return planChanges(part, desired);
  }
  if (desired.producerRef !== null) {
    const current = await byProducerRef(ctx, desired.producerRef);
    if (current) {
      write.ref = current.diamondId;
      return planChanges(current, desired);
    }
  }
  return planRegistration(desired);
}

/** The stone a producer registered under `producerRef`: the signer's own when several producers used it. */
async function byProducerRef(ctx: WriterContext, producerRef: string): Promise<TracrDiamond | null> {
  let listed = await ctx.ledger.listAll({ producerRef });
  if (listed.length > 1)
    listed = listed.filter((stone) => stone.events?.[0]?.participantId === ctx.participantId);
  if (listed.length > 1)
    throw refusal(`${listed.length} stones carry producerRef ${producerRef}`, 'identifiers.producerRef');
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
    return participantId === ctx.participantId && nonce === actNonce(write.stone, { step })
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
