import type { DiamondRecord } from '../types/diamond.js';
import type { Mismatch } from '../match/types.js';

/** The identifiers a lookup accepts, one per query (`GET /v1/lookup?tracrId=...`). */
export const LOOKUP_KEYS = ['tracrId', 'giaReportNumber', 'inscription', 'id'] as const;

/** One of {@link LOOKUP_KEYS}. */
export type LookupKey = (typeof LOOKUP_KEYS)[number];

/** What to look up: one identifier and its value. */
export interface LookupQuery {
  name: LookupKey;
  value: string;
}

/** How one platform answered. */
export type PlatformStatus = 'found' | 'not_found' | 'error' | 'timeout';

/** One platform's answer to a lookup. */
export interface PlatformAnswer {
  status: PlatformStatus;
  /** Time from asking to answering (or to giving up), in milliseconds. */
  latencyMs: number;
  /** The platform's own reference for the stone, when found. */
  ref?: string;
  /** The platform's view of the stone as a canonical record, when found. */
  record?: DiamondRecord;
  /** Why the platform could not answer, when it could not. */
  error?: string;
}

/** The stone as the bridge and the platforms together describe it. */
export interface MergedView {
  record: DiamondRecord;
  /** For every field in dots (`polished.color`, `origin.country`), where it came from: a platform or `bridge`. */
  sources: Record<string, string>;
}

/** A lookup mismatch; `diamondId` is null for a stone the bridge does not hold. */
export type LookupMismatch = Omit<Mismatch, 'diamondId'> & { diamondId: string | null };

/** The answer of a cross-platform provenance lookup (DESIGN.md section 7). */
export interface LookupAnswer {
  /** The bridge ID, or null when only platforms know the stone. */
  diamondId: string | null;
  query: LookupQuery;
  platforms: Record<string, PlatformAnswer>;
  /** Null when neither the bridge nor any platform knows the stone. */
  merged: MergedView | null;
  mismatches: LookupMismatch[];
}

/** A lookup query that cannot be answered as asked; names the parameter. */
export class LookupQueryError extends Error {
  override readonly name = 'LookupQueryError';

  constructor(
    /** The query parameter at fault (or the one expected). */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}
