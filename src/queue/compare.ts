/**
 * Read-before-write: does the platform already hold what the bridge would write? Both sides go through
 * the adapter's own write transform, so the comparison sees exactly the fields the platform accepts, with
 * the same rounding and the same losses on both sides; nothing the platform cannot store can make a
 * stone look different forever.
 */
import { fieldGroupPaths } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { canonicalJson } from '../mapping/content-hash.js';
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

/** True when writing `toWrite` to the platform that holds `held` would change nothing it stores. */
export function platformHolds(adapter: AnyAdapter, toWrite: DiamondRecord, held: DiamondRecord): boolean {
  const aligned: DiamondRecord = { ...held, ...(toWrite.id === undefined ? {} : { id: toWrite.id }) };
  try {
    return (
      canonicalJson(writtenForm(adapter, aligned).value) ===
      canonicalJson(writtenForm(adapter, toWrite).value)
    );
  } catch {
    // The platform's view does not translate back (a kind it never writes): compare the writable groups.
    return adapter.capabilities.writes.every((group) =>
      fieldGroupPaths[group].every(
        (path) =>
          canonicalJson(toWrite[path as keyof DiamondRecord] ?? null) ===
          canonicalJson(aligned[path as keyof DiamondRecord] ?? null),
      ),
    );
  }
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
  try {
    return (
      canonicalJson(writtenForm(adapter, before).value) !== canonicalJson(writtenForm(adapter, after).value)
    );
  } catch {
    return true;
  }
}
