import { canonicalJson } from '../mapping/content-hash.js';
import { formatIssue, validateDiamond } from '../mapping/index.js';
import { VersionConflictError, type Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { writersOf } from '../match/authority.js';
import { AGGREGATED_ORIGIN, readPath } from '../match/rules.js';
import { runMismatches } from '../store/reconcile-runs.js';
import type { Mismatch, ReconcileAdapter } from '../match/types.js';

/**
 * Applying corrections: the bridge record takes the authoritative platform's value for each mismatch,
 * saved under the person's name (`reconcile.apply`, old and new values in the audit detail), and the stone
 * is handed to the sync engine, which pushes it to every platform that accepts writes for that field.
 */

/** Why a mismatch was not applied. */
export type SkipReason =
  'no-authority' | 'authority-value-missing' | 'not-writable' | 'unknown-stone' | 'invalid-record';

/** A correction made on the bridge record. */
export interface AppliedCorrection {
  diamondId: string;
  field: string;
  authority: string;
  /** The bridge record's value before (undefined when it had none). */
  from: unknown;
  to: unknown;
  /** The platforms the sync engine should push the corrected record to. */
  pushTo: string[];
}

/** A mismatch left alone, and why. */
export interface SkippedCorrection {
  diamondId: string;
  field: string;
  reason: SkipReason;
  detail: string;
}

/** What {@link applyCorrections} did. */
export interface ApplyResult {
  applied: AppliedCorrection[];
  skipped: SkippedCorrection[];
}

/** Options for {@link applyCorrections}. */
export interface ApplyOptions {
  /** Who applies, for the audit log. */
  actor: string;
  /** The adapters in play: which platforms accept writes for which field group. */
  adapters: readonly ReconcileAdapter[];
  /** Hands a corrected stone to the sync engine; called once per stone after its record is saved. */
  enqueue: (
    diamondId: string,
    change: { fields: string[]; pushTo: string[]; hash: string },
  ) => Promise<void> | void;
  /** Only mismatches this accepts are applied (default all). */
  filter?: (mismatch: Mismatch) => boolean;
}

const maxAttempts = 3;

/**
 * Applies the authoritative value of each mismatch (a list, or every mismatch of a stored run). A run's
 * mismatches arrive grouped by stone, so each stone is read and saved once; a stone changed meanwhile is
 * re-read and the corrections re-applied, up to three times.
 */
export async function applyCorrections(
  store: Store,
  input: Iterable<Mismatch> | AsyncIterable<Mismatch> | { runId: string },
  options: ApplyOptions,
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], skipped: [] };
  const mismatches = 'runId' in input ? runMismatches(store, input.runId) : input;
  let group: Mismatch[] = [];
  for await (const mismatch of mismatches) {
    if (options.filter && !options.filter(mismatch)) continue;
    if (group.length > 0 && group[0]?.diamondId !== mismatch.diamondId) {
      await applyToStone(store, group, options, result);
      group = [];
    }
    group.push(mismatch);
  }
  if (group.length > 0) await applyToStone(store, group, options, result);
  return result;
}

async function applyToStone(
  store: Store,
  mismatches: Mismatch[],
  options: ApplyOptions,
  result: ApplyResult,
): Promise<void> {
  const skip = (mismatch: Mismatch, reason: SkipReason, detail: string): void => {
    result.skipped.push({ diamondId: mismatch.diamondId, field: mismatch.field, reason, detail });
  };
  const wanted: { mismatch: Mismatch; authority: string; value: unknown; pushTo: string[] }[] = [];
  for (const mismatch of mismatches) {
    const { authority, field } = mismatch;
    if (authority === null) {
      skip(mismatch, 'no-authority', `no adapter is authoritative for ${field}`);
      continue;
    }
    const value = mismatch.values[authority];
    if (value === undefined || value === null) {
      skip(mismatch, 'authority-value-missing', `${authority} holds no value for ${field}`);
      continue;
    }
    const pushTo = writersOf(options.adapters, field);
    if (pushTo.length === 0) {
      skip(mismatch, 'not-writable', `no platform accepts writes for ${field}`);
      continue;
    }
    wanted.push({ mismatch, authority, value, pushTo });
  }
  if (wanted.length === 0) return;
  const diamondId = mismatches[0]?.diamondId as string;

  for (let attempt = 1; ; attempt++) {
    const stored = await store.diamonds.get(diamondId);
    if (!stored) {
      for (const { mismatch } of wanted)
        skip(mismatch, 'unknown-stone', `${diamondId} is not a stored stone`);
      return;
    }
    const record = structuredClone(stored.record);
    const changes = wanted.map(({ mismatch, authority, value, pushTo }) => {
      const from = readField(record, mismatch.field);
      writeField(record, mismatch.field, value);
      return { diamondId, field: mismatch.field, authority, from, to: value, pushTo };
    });
    const validation = validateDiamond(record);
    if (!validation.valid) {
      const problems = validation.errors.map(formatIssue).join('; ');
      for (const { mismatch } of wanted)
        skip(mismatch, 'invalid-record', `the corrected record is not valid: ${problems}`);
      return;
    }
    // When the bridge record already holds the authoritative value the save writes nothing (and no audit
    // entry), but the platforms still disagree, so the stone is pushed all the same.
    let hash: string;
    try {
      ({ hash } = await store.diamonds.save(record, {
        actor: options.actor,
        action: 'reconcile.apply',
        expectedVersion: stored.version,
        // The correction and the intent to push it are one step: a crash before the enqueue below leaves
        // the intent for the outbox sweeper, never a corrected stone no platform hears of.
        syncIntent: {},
        detail: {
          changes: changes.map(({ field, authority, from, to }) => ({
            field,
            authority,
            from: from ?? null,
            to,
          })),
        },
      }));
    } catch (error) {
      if (error instanceof VersionConflictError && attempt < maxAttempts) continue;
      throw error;
    }
    result.applied.push(...changes);
    const pushTo = [...new Set(changes.flatMap((change) => change.pushTo))].sort();
    await options.enqueue(diamondId, { fields: changes.map((change) => change.field), pushTo, hash });
    await store.outbox.clear([{ diamondId, hash }]);
    return;
  }
}

// The origin rule reports a platform that states only "aggregated" with a marker, not a country.
function readField(record: DiamondRecord, field: string): unknown {
  if (
    field === 'origin.country' &&
    record.origin?.country === undefined &&
    record.origin?.aggregated === true
  )
    return AGGREGATED_ORIGIN;
  return readPath(record, field);
}

function writeField(record: DiamondRecord, field: string, value: unknown): void {
  if (field === 'origin.country') {
    const origin = { ...record.origin };
    if (value === AGGREGATED_ORIGIN) {
      delete origin.country;
      origin.aggregated = true;
    } else {
      origin.country = String(value);
      delete origin.aggregated;
    }
    record.origin = origin;
    return;
  }
  const steps = field.split('.');
  let target = record as unknown as Record<string, unknown>;
  for (const step of steps.slice(0, -1)) {
    const next = target[step];
    if (next === null || typeof next !== 'object') target[step] = {};
    target = target[step] as Record<string, unknown>;
  }
  target[steps.at(-1) as string] = JSON.parse(canonicalJson(value)) as unknown;
}
