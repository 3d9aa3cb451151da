/**
 * Which platforms a stone is written to, decided up front from the adapters' capabilities and the record's
 * content, so the queue holds no job that could only fail: a platform gets a stone when it accepts writes
 * for a field group the record carries (beyond bare identifiers) and its transform can express the record.
 */
import { fieldGroupPaths, type FieldGroup } from '../adapters/contract.js';
import type { AnyAdapter } from '../adapters/registry.js';
import { MappingError } from '../mapping/errors.js';
import type { DiamondRecord } from '../types/diamond.js';
import { writtenForm } from './compare.js';

/** A platform that will not get the stone, and why. */
export interface SkippedTarget {
  platform: string;
  reason: string;
}

/** The platforms to write `record` to, and those left out with the reason. */
export interface TargetChoice {
  targets: string[];
  skipped: SkippedTarget[];
}

/** Chooses the write targets for `record` among `adapters`, leaving out `except` (the change's source). */
export function chooseTargets(
  record: DiamondRecord,
  adapters: Iterable<AnyAdapter>,
  except?: string,
): TargetChoice {
  const targets: string[] = [];
  const skipped: SkippedTarget[] = [];
  for (const adapter of adapters) {
    if (adapter.name === except || !adapter.capabilities.write) continue;
    const reason = whyNot(record, adapter);
    if (reason === undefined) targets.push(adapter.name);
    else skipped.push({ platform: adapter.name, reason });
  }
  return { targets, skipped };
}

/** Why `record` is not written to `adapter`'s platform, or undefined when it is. */
export function whyNot(record: DiamondRecord, adapter: AnyAdapter): string | undefined {
  const groups = adapter.capabilities.writes.filter((group) => group !== 'identifiers');
  if (!groups.some((group) => carries(record, group))) {
    return `the record carries none of the field groups ${adapter.name} accepts (${adapter.capabilities.writes.join(', ')})`;
  }
  const refusal = mappingRefusal(() => writtenForm(adapter, record));
  return refusal && `field ${refusal.pointer || '/'}: ${refusal.message}`;
}

/**
 * The MappingError `translate` throws, or undefined when it translates. A refusal here is an answer, not a
 * fault, and its stack is never read: capturing one per stone was most of the cost of choosing targets
 * for a large import. Any other error is thrown again from a run with stacks on, so a fault keeps its.
 */
function mappingRefusal(translate: () => unknown): MappingError | undefined {
  const depth = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let fault: unknown;
  try {
    translate();
    return undefined;
  } catch (error) {
    if (error instanceof MappingError) return error;
    fault = error;
  } finally {
    Error.stackTraceLimit = depth;
  }
  translate();
  throw fault;
}

function carries(record: DiamondRecord, group: FieldGroup): boolean {
  return fieldGroupPaths[group].some((path) => record[path as keyof DiamondRecord] !== undefined);
}
