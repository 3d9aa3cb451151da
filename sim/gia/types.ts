/**
 * The GIA records the registry stores, in GIA's field names. Union values carry `__typename` so the
 * GraphQL executor can tell `RoundMeasurements` from `FancyMeasurements` and `DZColorGrade` from
 * `CDColorGrade`; the lab endpoint fills it in when a posted report leaves it out.
 */

/** `RoundMeasurements` or `FancyMeasurements`, in millimetres. */
export type Measurements =
  | { __typename: 'RoundMeasurements'; min_diam: number; max_diam: number; depth: number }
  | { __typename: 'FancyMeasurements'; length: number; width: number; depth: number };

/** `DZColorGrade` (D to Z scale) or `CDColorGrade` (coloured diamonds). */
export type ColorGrade =
  | { __typename: 'DZColorGrade'; color_grade_code: string; color_modifier?: string | null }
  | {
      __typename: 'CDColorGrade';
      colored_diamond_color_grade: string;
      colored_diamond_color_grade_code: string;
      colored_diamond_color_description?: string | null;
      colored_diamond_color_description_code?: string | null;
    };

/** GIA's machine-readable `DiamondData` block. */
export interface DiamondData {
  shape: { shape_category: 'R' | 'F'; shape_code: string; shape_group: string; shape_group_code: string };
  measurements: Measurements;
  weight: { weight: number; weight_unit: string };
  color?: { color_grade_code: string; color_modifier?: string | null } | null;
  color_grades: ColorGrade;
  clarity?: string | null;
  cut?: string | null;
  polish?: string | null;
  symmetry?: string | null;
  fluorescence?: { fluorescence_intensity: string; fluorescence_color: string | null } | null;
}

/** GIA's former Mine-to-Market block on a report: the rough stone the polished one came from. */
export interface M2MRoughData {
  rough_control_no: string;
  rough_report_no?: string | null;
  mine_company?: string | null;
  mine_name?: string | null;
  country_of_origin?: string | null;
}

/** Results of a natural-diamond report, as printed on it (strings) plus the `data` block. */
export interface DiamondGradingReportResults {
  __typename: 'DiamondGradingReportResults';
  shape_and_cutting_style: string;
  measurements: string;
  carat_weight: string;
  color_grade: string;
  clarity_grade?: string | null;
  cut_grade?: string | null;
  polish?: string | null;
  symmetry?: string | null;
  fluorescence?: string | null;
  inscriptions?: string | null;
  report_comments?: string | null;
  country_of_origin?: string | null;
  proportions?: { depth_pct?: string | null; table_pct: string; girdle: string; culet: string } | null;
  m2m_rough_data?: M2MRoughData | null;
  data?: DiamondData | null;
}

/** Any other member of GIA's `ReportResults` union, kept as posted by the lab. */
export interface OtherReportResults {
  __typename: string;
  [field: string]: unknown;
}

/** An identifier of the same stone on another platform, e.g. its Tracr ID. */
export interface AssociatedReference {
  reference_type_code: 'TRACR' | 'GIA_JW_RPT';
  reference_type_description: string;
  reference_id: string;
}

/**
 * A grading report as the lab issued it. `links` name the assets the report has (any non-null value
 * means "available"); the registry turns each into a signed URL that expires an hour after the call.
 */
export interface GradingReport {
  report_number: string;
  report_date?: string | null;
  report_date_iso?: string | null;
  report_type?: string | null;
  report_type_code?: string | null;
  results?: DiamondGradingReportResults | OtherReportResults | null;
  links?: Record<string, string | null> | null;
  associated_references?: AssociatedReference[] | null;
}

/** A rough stone submitted to the Mine-to-Market intake. */
export interface RoughRecord {
  rough_control_no: string;
  mine_company: string;
  mine_name: string;
  /** Country name as GIA prints it ("Botswana"), not a code. */
  country_of_origin: string;
  /** Weight of the rough in carats, at most 3 decimals. */
  rough_weight_carats: number;
  kp_certificate?: string;
  producer_ref?: string;
  /** When the registry first stored the record (ISO 8601). */
  received_at: string;
  /** When the record last changed (ISO 8601). */
  updated_at: string;
}

/** One committed intake write, for tests that prove a write landed exactly once. */
export interface IntakeWrite {
  seq: number;
  at: string;
  op: 'create' | 'update';
  rough_control_no: string;
}
