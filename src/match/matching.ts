import { caratsToThousandths } from '../mapping/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import { caratWeightsAgree, colorsAgree, measurementsAgree, sameName, sameValue } from './tolerance.js';
import { defaultTolerances, type Tolerances } from './types.js';

/**
 * Matching: is a platform record that no bridge stone is linked to the same stone as a candidate? Exact
 * identifiers decide at once; otherwise the physical description is scored. Only `certain` links on its
 * own; the other grades are proposals for a person to confirm or reject.
 */

/** How sure a match is. */
export type MatchGrade = 'certain' | 'probable' | 'possible' | 'none';

/** A candidate stone graded against a platform record. */
export interface MatchResult {
  diamondId: string;
  grade: MatchGrade;
  /** 0 to 100 from the physical description; 100 for an identifier match, 0 for a contradiction. */
  score: number;
  /** What counted, for and against, in sentences a reviewer reads. */
  reasons: string[];
}

/** Scores at or above which a described match is probable or possible. */
export const matchThresholds = { probable: 85, possible: 60 } as const;

// Identifiers that name exactly one stone wherever they appear; producerRef and kpCertificate do not
// (a producer's lot line and a KP certificate cover parcels).
const exactIdentifiers = ['tracrId', 'giaReportNumber', 'inscription', 'roughControlNumber'] as const;

/** Grades one candidate; `candidate.id` must be set (it is a stored stone). */
export function gradeMatch(
  record: DiamondRecord,
  candidate: DiamondRecord,
  tolerances: Partial<Tolerances> = {},
): MatchResult {
  const diamondId = candidate.id ?? '';
  const limits = { ...defaultTolerances, ...tolerances };
  const mine = identifiersOf(record);
  const theirs = identifiersOf(candidate);
  const reasons: string[] = [];
  for (const name of exactIdentifiers) {
    const a = mine[name];
    const b = theirs[name];
    if (a === undefined || b === undefined) continue;
    if (a !== b)
      return { diamondId, grade: 'none', score: 0, reasons: [`${name} differs: ${a} against ${b}`] };
    reasons.push(`same ${name} ${a}`);
  }
  if (reasons.length > 0) return { diamondId, grade: 'certain', score: 100, reasons };
  if (record.kind !== candidate.kind) {
    return {
      diamondId,
      grade: 'none',
      score: 0,
      reasons: [`a ${record.kind} stone against a ${candidate.kind}`],
    };
  }
  const scored =
    record.kind === 'rough' ? scoreRough(record, candidate) : scorePolished(record, candidate, limits);
  if (scored.contradiction) return { diamondId, grade: 'none', score: 0, reasons: scored.reasons };
  const grade: MatchGrade =
    scored.score >= matchThresholds.probable
      ? 'probable'
      : scored.score >= matchThresholds.possible
        ? 'possible'
        : 'none';
  return { diamondId, grade, score: scored.score, reasons: scored.reasons };
}

/** Every candidate graded, best first, `none` left out. */
export function rankMatches(
  record: DiamondRecord,
  candidates: readonly DiamondRecord[],
  tolerances: Partial<Tolerances> = {},
): MatchResult[] {
  const order: Record<MatchGrade, number> = { certain: 0, probable: 1, possible: 2, none: 3 };
  return candidates
    .map((candidate) => gradeMatch(record, candidate, tolerances))
    .filter((result) => result.grade !== 'none')
    .sort(
      (a, b) =>
        order[a.grade] - order[b.grade] || b.score - a.score || a.diamondId.localeCompare(b.diamondId),
    );
}

interface Scored {
  score: number;
  reasons: string[];
  contradiction: boolean;
}

// Weight and shape say the most and a disagreement there rules the stone out; measurements narrow it to
// one stone among similar ones; colour and clarity may be regraded, so they add but never rule out.
function scorePolished(record: DiamondRecord, candidate: DiamondRecord, limits: Tolerances): Scored {
  const scored: Scored = { score: 0, reasons: [], contradiction: false };
  const a = record.polished;
  const b = candidate.polished;
  if (!a || !b) return scored;
  if (a.shape !== b.shape) return rule(scored, `shape ${a.shape} against ${b.shape}`);
  add(scored, 25, `same shape ${a.shape}`);
  if (!caratWeightsAgree(a.caratWeight, b.caratWeight, limits)) {
    return rule(scored, `carat weight ${a.caratWeight} against ${b.caratWeight}`);
  }
  add(scored, 40, `carat weight ${a.caratWeight} agrees with ${b.caratWeight}`);
  if (a.measurements && b.measurements) {
    if (measurementsAgree(a.measurements, b.measurements, limits))
      add(scored, 25, `measurements within ${limits.measurementMm} mm`);
    else scored.reasons.push(`measurements differ by more than ${limits.measurementMm} mm`);
  }
  if (a.color && b.color) {
    if (colorsAgree(a.color, b.color, limits)) add(scored, 6, 'same colour grade');
    else scored.reasons.push('colour grades differ');
  }
  if (a.clarity && b.clarity) {
    if (a.clarity === b.clarity) add(scored, 4, `same clarity ${a.clarity}`);
    else scored.reasons.push(`clarity ${a.clarity} against ${b.clarity}`);
  }
  return scored;
}

// A rough stone has little besides its weight and where it came from; weights are read on the same
// scales to the thousandth, so they must agree exactly.
function scoreRough(record: DiamondRecord, candidate: DiamondRecord): Scored {
  const scored: Scored = { score: 0, reasons: [], contradiction: false };
  const a = record.rough?.caratWeight;
  const b = candidate.rough?.caratWeight;
  if (a === undefined || b === undefined) return scored;
  if (caratsToThousandths(a) !== caratsToThousandths(b))
    return rule(scored, `rough weight ${a} against ${b}`);
  add(scored, 60, `same rough weight ${a} ct`);
  const origin = record.origin ?? {};
  const other = candidate.origin ?? {};
  if (origin.country && other.country) {
    if (origin.country !== other.country)
      return rule(scored, `country ${origin.country} against ${other.country}`);
    add(scored, 15, `same country ${origin.country}`);
  }
  if (origin.producer && other.producer && sameName(origin.producer, other.producer, defaultTolerances))
    add(scored, 10, `same producer ${origin.producer}`);
  if (origin.mine && other.mine && sameName(origin.mine, other.mine, defaultTolerances))
    add(scored, 15, `same mine ${origin.mine}`);
  if (sameValue(record.owner?.org, candidate.owner?.org, defaultTolerances) && record.owner)
    scored.reasons.push(`same owner ${record.owner.org}`);
  return scored;
}

function add(scored: Scored, points: number, reason: string): void {
  scored.score += points;
  scored.reasons.push(reason);
}

function rule(scored: Scored, reason: string): Scored {
  return { score: 0, reasons: [...scored.reasons, reason], contradiction: true };
}

/**
 * A record's exact identifiers in comparable form: inscriptions upper-cased with spaces collapsed, and a
 * grading report number standing in for a missing `giaReportNumber` when the lab is GIA.
 */
function identifiersOf(record: DiamondRecord): Partial<Record<(typeof exactIdentifiers)[number], string>> {
  const ids: Partial<Record<(typeof exactIdentifiers)[number], string>> = {};
  const source = record.identifiers ?? {};
  for (const name of exactIdentifiers) {
    const value = source[name];
    if (typeof value === 'string' && value.trim() !== '')
      ids[name] = name === 'inscription' ? value.trim().toUpperCase().replace(/\s+/g, ' ') : value.trim();
  }
  if (
    ids.giaReportNumber === undefined &&
    record.grading &&
    sameName(record.grading.lab, 'GIA', defaultTolerances)
  )
    ids.giaReportNumber = record.grading.reportNumber.trim();
  return ids;
}
