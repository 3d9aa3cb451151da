import type { AdapterDefinition } from '../adapters/contract.js';

/**
 * The shapes reconciliation answers in. A mismatch keeps DESIGN's fixed shape (`diamondId`, `field`,
 * `values`, `severity`, `authority`) and adds the rule that found it and a sentence for people.
 */

/** How much a disagreement matters to the trade: critical changes a stone's value or identity. */
/** The name the registered record (the bridge's own, the producer's claim) goes by among platforms' values. */
export const REGISTERED = 'bridge';

export type Severity = 'critical' | 'major' | 'minor';

/** Severities, most serious first: the order reports list them in. */
export const severities: readonly Severity[] = ['critical', 'major', 'minor'];

/** Platforms disagree about one canonical field of one stone. */
export interface Mismatch {
  diamondId: string;
  /** The canonical path in dots: `polished.color`, `polished.caratWeight`, `origin.country`. */
  field: string;
  /** Each platform's value, keyed by platform name (`bridge` for findings on the bridge's own record). */
  values: Record<string, unknown>;
  severity: Severity;
  /** The platform whose adapter is authoritative for the field's group, or null when none is. */
  authority: string | null;
  /** The rule that judged it: `carat-weight`, `measurements`, `mass-balance`, ... */
  rule: string;
  /** What the rule saw, in a sentence. */
  detail?: string;
}

/** A stone that only one platform holds, or that no platform holds yet. */
export interface Unmatched {
  /** The platform that holds it (`bridge` when no platform does). */
  platform: string;
  /** That platform's reference for the stone; null when the bridge never learnt it. */
  ref: string | null;
  diamondId?: string;
  reason: string;
}

/** The tolerances mismatch rules and matching apply. */
export interface Tolerances {
  /** Largest difference per dimension that is still lab-to-lab spread, in millimetres. Default 0.03. */
  measurementMm: number;
}

/** The default tolerances: a few hundredths of a millimetre, as two labs measuring one stone differ. */
export const defaultTolerances: Tolerances = { measurementMm: 0.03 };

/** What reconciliation needs to know about an adapter: its name, authority and what it accepts writes for. */
export type ReconcileAdapter = Pick<AdapterDefinition, 'name' | 'authoritative'> & {
  capabilities: Pick<AdapterDefinition['capabilities'], 'write' | 'writes'>;
};
