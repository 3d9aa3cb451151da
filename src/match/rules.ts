import type { DiamondRecord } from '../types/diamond.js';
import type { AuthorityOf } from './authority.js';
import { displayValue } from './display-value.js';
import {
  caratWeightsAgree,
  colorsAgree,
  fluorescenceAgrees,
  measurementsAgree,
  sameDay,
  sameIdentifier,
  sameName,
  sameValue,
  type Agreement,
} from './tolerance.js';
import { defaultTolerances, type Mismatch, type Severity, type Tolerances } from './types.js';

/**
 * The mismatch rules: which canonical fields are compared across platforms, with which tolerance, and how
 * much a disagreement matters. Severities follow what a disagreement does to the stone in trade:
 * - critical: it changes what the stone is or is worth, or which stone it is (identifiers, kind, shape,
 *   weight, colour, clarity, country of origin, the rough it was cut from, report number);
 * - major: it changes a grade a buyer prices in but not the stone's identity (cut, polish, symmetry,
 *   measurements beyond lab spread), or who owns it, or which lab graded it, or a country against a bare
 *   "aggregated";
 * - minor: paperwork that does not change the stone (fluorescence, report date and type, producer and
 *   mine names).
 */

/** Stands in `values` for a platform that states only that the origin is aggregated. */
export const AGGREGATED_ORIGIN = 'aggregated';

/** One row of the rule table. */
export interface FieldRule {
  /** The dotted canonical path compared. */
  field: string;
  /** The rule's name, reported with each mismatch. */
  rule: string;
  severity: Severity;
  agree: Agreement;
  /** Reads the field from a view; undefined when the platform does not hold it. Default: the path. */
  read?: (view: DiamondRecord) => unknown;
  /** A severity that depends on the values (origin: a country against "aggregated" is softer). */
  severityOf?: (values: unknown[]) => Severity;
  /** Why the values disagree, for the detail sentence. */
  why: string;
}

const exact = (field: string, severity: Severity, rule = 'equal'): FieldRule => ({
  field,
  rule,
  severity,
  agree: sameValue,
  why: 'they differ',
});

const identifier = (name: string, severity: Severity): FieldRule => ({
  field: `identifiers.${name}`,
  rule: 'identifier',
  severity,
  agree: sameIdentifier(name === 'inscription'),
  why: 'the platforms name the stone differently',
});

/** Every compared field, in report order. */
export const fieldRules: readonly FieldRule[] = [
  exact('kind', 'critical'),
  exact('owner.org', 'major'),
  identifier('tracrId', 'critical'),
  identifier('giaReportNumber', 'critical'),
  identifier('inscription', 'critical'),
  identifier('roughControlNumber', 'critical'),
  identifier('producerRef', 'major'),
  identifier('kpCertificate', 'major'),
  {
    field: 'origin.country',
    rule: 'origin-country',
    severity: 'critical',
    agree: sameValue,
    read: (view) =>
      view.origin?.country ?? (view.origin?.aggregated === true ? AGGREGATED_ORIGIN : undefined),
    severityOf: (values) => (values.includes(AGGREGATED_ORIGIN) ? 'major' : 'critical'),
    why: 'the declared origins differ',
  },
  {
    // With a country on either side the origin-country rule already judged it.
    field: 'origin.aggregated',
    rule: 'equal',
    severity: 'major',
    agree: sameValue,
    read: (view) => (view.origin?.country === undefined ? view.origin?.aggregated : undefined),
    why: 'they differ',
  },
  { field: 'origin.producer', rule: 'name', severity: 'minor', agree: sameName, why: 'the names differ' },
  { field: 'origin.mine', rule: 'name', severity: 'minor', agree: sameName, why: 'the names differ' },
  {
    field: 'rough.caratWeight',
    rule: 'carat-weight',
    severity: 'critical',
    agree: caratWeightsAgree,
    why: 'they differ at 3 decimals and under GIA rounding',
  },
  exact('polished.shape', 'critical'),
  {
    field: 'polished.caratWeight',
    rule: 'carat-weight',
    severity: 'critical',
    agree: caratWeightsAgree,
    why: 'they differ at 3 decimals and under GIA rounding',
  },
  {
    field: 'polished.color',
    rule: 'color',
    severity: 'critical',
    agree: colorsAgree,
    why: 'the grades differ',
  },
  exact('polished.clarity', 'critical'),
  exact('polished.cut', 'major'),
  exact('polished.polish', 'major'),
  exact('polished.symmetry', 'major'),
  {
    field: 'polished.fluorescence',
    rule: 'fluorescence',
    severity: 'minor',
    agree: fluorescenceAgrees,
    why: 'the intensities or stated colours differ',
  },
  {
    field: 'polished.measurements',
    rule: 'measurements',
    severity: 'major',
    agree: measurementsAgree,
    why: 'a dimension differs by more than the lab-to-lab tolerance',
  },
  { field: 'grading.lab', rule: 'name', severity: 'major', agree: sameName, why: 'the labs differ' },
  {
    field: 'grading.reportNumber',
    rule: 'identifier',
    severity: 'critical',
    agree: sameIdentifier(false),
    why: 'the report numbers differ',
  },
  { field: 'grading.reportDate', rule: 'date', severity: 'minor', agree: sameDay, why: 'the days differ' },
  { field: 'grading.reportType', rule: 'name', severity: 'minor', agree: sameName, why: 'the types differ' },
  exact('lineage.parentId', 'critical'),
];

/** Options for {@link findMismatches}. */
export interface MismatchOptions {
  authorityOf: AuthorityOf;
  tolerances?: Partial<Tolerances>;
}

/**
 * Compares every platform's view of one stone, field by field. A field that a platform does not hold is
 * not a mismatch; a field that two platforms hold is one when any pair of their values disagrees (lab
 * tolerances are not transitive: 6.44, 6.47 and 6.50 are not one measurement).
 */
export function findMismatches(
  diamondId: string,
  views: Readonly<Record<string, DiamondRecord>>,
  { authorityOf, tolerances }: MismatchOptions,
): Mismatch[] {
  const limits: Tolerances = { ...defaultTolerances, ...tolerances };
  const platforms = Object.keys(views).sort();
  if (platforms.length < 2) return [];
  const mismatches: Mismatch[] = [];
  for (const rule of fieldRules) {
    const held: [string, unknown][] = [];
    const steps = rule.read ? undefined : stepsOf(rule.field);
    for (const platform of platforms) {
      const view = views[platform] as DiamondRecord;
      const value = steps ? readSteps(view, steps) : rule.read!(view);
      if (value !== undefined && value !== null) held.push([platform, value]);
    }
    if (held.length < 2 || allAgree(held, rule.agree, limits)) continue;
    const values = Object.fromEntries(held);
    const list = held.map(([, value]) => value);
    const authority = authorityOf(rule.field);
    mismatches.push({
      diamondId,
      field: rule.field,
      values,
      severity: rule.severityOf ? rule.severityOf(list) : rule.severity,
      authority,
      rule: rule.rule,
      detail: `${rule.field}: ${held.map(([p, v]) => `${p} ${displayValue(v)}`).join(', ')}; ${rule.why}${
        rule.rule === 'measurements' ? ` (${limits.measurementMm} mm)` : ''
      }`,
    });
  }
  return mismatches;
}

/** The value at a dotted path, or undefined when any step is missing. */
export function readPath(record: unknown, path: string): unknown {
  return readSteps(record, path.split('.'));
}

// Each rule's path split once: a run reads every rule's field of every view of every stone.
const splitPaths = new Map<string, readonly string[]>();
function stepsOf(path: string): readonly string[] {
  let steps = splitPaths.get(path);
  if (steps === undefined) splitPaths.set(path, (steps = path.split('.')));
  return steps;
}

function readSteps(record: unknown, steps: readonly string[]): unknown {
  let value: unknown = record;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function allAgree(held: [string, unknown][], agree: Agreement, limits: Tolerances): boolean {
  for (let i = 0; i < held.length; i++) {
    for (let j = i + 1; j < held.length; j++) {
      if (!agree((held[i] as [string, unknown])[1], (held[j] as [string, unknown])[1], limits)) return false;
    }
  }
  return true;
}
