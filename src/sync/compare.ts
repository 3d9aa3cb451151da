/**
 * Read-before-write: does the platform already hold what the bridge would write? Both sides go through
 * the adapter's own write transform, so the comparison sees exactly the fields the platform accepts, with
 * the same rounding and the same losses on both sides; nothing the platform cannot store can make a
 * stone look different forever.
 */
import { fieldGroupPaths } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { sameJson } from '../mapping/content-hash.js';
import type { Translation } from '../mapping/loss.js';
import type { DiamondRecord } from '../types/diamond.js';

/** What `put` sends to `adapter` for `record`: its write shape where it has one, else `fromCanonical`. */
export function writtenForm(adapter: AnyAdapter, record: DiamondRecord): Translation<unknown> {
  return adapter.writeShape ? adapter.writeShape(record) : adapter.fromCanonical(record);
}

/**
 * The record to send to `adapter`: the bridge's record plus what the platform knows of its own keys (its
 * identifiers where the bridge has none, its extensions), so that an update addresses the stone the
 * platform already holds instead of creating another.
 */
export function recordForPlatform(
  record: DiamondRecord,
  platform: string,
  held: DiamondRecord | undefined,
): DiamondRecord {
  const { sources: _sources, ...content } = record;
  if (!held) return content;
  const identifiers = { ...held.identifiers, ...record.identifiers };
  const native = held.extensions?.[platform];
  return {
    ...content,
    ...(Object.keys(identifiers).length > 0 ? { identifiers } : {}),
    ...(native === undefined ? {} : { extensions: { ...record.extensions, [platform]: native } }),
  };
}

/**
 * What `put` sends to `adapter` for `record`, or undefined when the record does not translate (the client
 * then refuses it, naming the field, as it would any record).
 */
export function writtenFormIfAny(
  adapter: AnyAdapter,
  record: DiamondRecord,
): Translation<unknown> | undefined {
  try {
    return writtenForm(adapter, record);
  } catch {
    return undefined;
  }
}

/**
 * True when writing `toWrite` to the platform that holds `held` would change nothing it stores.
 * `toWriteForm`: `writtenForm` of `toWrite` when the caller has it already, so it is not translated again.
 */
export function platformHolds(
  adapter: AnyAdapter,
  toWrite: DiamondRecord,
  held: DiamondRecord,
  toWriteForm?: Translation<unknown>,
): boolean {
  const aligned = alignedWith(toWrite, held);
  // The platform's view does not translate back (a kind it never writes): compare the writable groups.
  return (
    sameWrittenForm(adapter, toWrite, aligned, toWriteForm) ??
    adapter.capabilities.writes.every((group) =>
      fieldGroupPaths[group].every((path) =>
        sameJson(toWrite[path as keyof DiamondRecord] ?? null, aligned[path as keyof DiamondRecord] ?? null),
      ),
    )
  );
}

/**
 * True when `adapter` would be sent something else for `after` than for `before`; also when either does
 * not translate, so that a change the comparison cannot judge is written rather than skipped.
 */
export function writtenFormChanges(
  adapter: AnyAdapter,
  before: DiamondRecord,
  after: DiamondRecord,
): boolean {
  return sameWrittenForm(adapter, before, after) !== true;
}

/**
 * True when `adapter`'s platform, which has just shown the bridge its view `held` of the stone, still lacks
 * content of `record`: the bridge's record carries a change the platform's own change did not (an edit
 * saved while the platform's write of an earlier version was in flight). The platform is then owed a sync
 * of `record` like any other; a view that does not translate to the platform's write side is not judged.
 */
export function owedTo(adapter: AnyAdapter, record: DiamondRecord, held: DiamondRecord): boolean {
  const toWrite = recordForPlatform(record, adapter.name, held);
  return sameWrittenForm(adapter, toWrite, alignedWith(toWrite, held)) === false;
}

/** The platform's view under the bridge ID of what would be written, so the ID alone never differs. */
function alignedWith(toWrite: DiamondRecord, held: DiamondRecord): DiamondRecord {
  return { ...held, ...(toWrite.id === undefined ? {} : { id: toWrite.id }) };
}

/**
 * Whether both records would be sent to `adapter` alike; undefined when either does not translate. `aForm`:
 * `writtenForm` of `a`, when the caller has it.
 */
function sameWrittenForm(
  adapter: AnyAdapter,
  a: DiamondRecord,
  b: DiamondRecord,
  aForm?: Translation<unknown>,
): boolean | undefined {
  try {
    const sent = (aForm ?? writtenForm(adapter, a)).value;
    return sameJson(sent, writtenForm(adapter, b).value);
  } catch {
    return undefined;
  }
}
