/**
 * GIA's records in GIA's own field names: a `GradingReport` as the Report Results API serves it, and a
 * rough record of the Mine-to-Market intake. Every field is optional or nullable as on the wire, because a
 * GraphQL answer carries only what was asked and answers null for what a report lacks.
 */
/** GIA's `RoundMeasurements` or `FancyMeasurements` (the `__typename` may be absent in a lab's body). */
export interface GiaMeasurements {
  __typename?: 'RoundMeasurements' | 'FancyMeasurements';
  min_diam?: number;
  max_diam?: number;
  length?: number;
  width?: number;
  depth?: number;
}

/** GIA's `DZColorGrade` or `CDColorGrade` union member. */
export interface GiaColorGrade {
  __typename?: 'DZColorGrade' | 'CDColorGrade';
  color_grade_code?: string | null;
  color_modifier?: string | null;
  colored_diamond_color_grade?: string | null;
  colored_diamond_color_grade_code?: string | null;
  colored_diamond_color_description?: string | null;
  colored_diamond_color_description_code?: string | null;
}

/** GIA's machine-readable `DiamondData` block. */
export interface GiaDiamondData {
  shape?: {
    shape_category?: string;
    shape_code?: string;
    shape_group?: string;
    shape_group_code?: string;
  } | null;
  measurements?: GiaMeasurements | null;
  weight?: { weight?: number; weight_unit?: string | null } | null;
  /** Deprecated by GIA in favour of `color_grades`; read when `color_grades` is absent. */
  color?: { color_grade_code?: string | null; color_modifier?: string | null } | null;
  color_grades?: GiaColorGrade | null;
  clarity?: string | null;
  cut?: string | null;
  polish?: string | null;
  symmetry?: string | null;
  fluorescence?: { fluorescence_intensity?: string | null; fluorescence_color?: string | null } | null;
  [field: string]: unknown;
}

/** GIA's deprecated Mine-to-Market block on a report: the rough the polished stone was cut from. */
export interface GiaM2MRoughData {
  rough_control_no?: string | null;
  rough_report_no?: string | null;
  mine_company?: string | null;
  mine_name?: string | null;
  country_of_origin?: string | null;
  [field: string]: unknown;
}

/** `DiamondGradingReportResults`: strings as printed on the report, plus the `data` block. */
export interface GiaDiamondResults {
  __typename?: string;
  shape_and_cutting_style?: string | null;
  measurements?: string | null;
  carat_weight?: string | null;
  color_grade?: string | null;
  clarity_grade?: string | null;
  cut_grade?: string | null;
  polish?: string | null;
  symmetry?: string | null;
  fluorescence?: string | null;
  inscriptions?: string | null;
  country_of_origin?: string | null;
  m2m_rough_data?: GiaM2MRoughData | null;
  data?: GiaDiamondData | null;
  [field: string]: unknown;
}

/** An identifier of the same stone elsewhere; `TRACR` carries its Tracr ID. */
export interface GiaAssociatedReference {
  reference_type_code: string;
  reference_type_description?: string | null;
  reference_id: string;
}

/** GIA's `IndustryDisclosures`: `disclosed_source {name, code}` ("South Africa"; the code is for GIA's use). */
export interface GiaIndustryDisclosures {
  disclosed_source?: { name?: string | null; code?: string | null } | null;
}

/** A grading report as `getReport` answers it. */
export interface GradingReport {
  report_number: string;
  report_date?: string | null;
  report_date_iso?: string | null;
  report_type?: string | null;
  report_type_code?: string | null;
  results?: GiaDiamondResults | null;
  associated_references?: GiaAssociatedReference[] | null;
  /** The stone's source as disclosed to GIA by the industry: a country name and GIA's own code for it. */
  industry_disclosures?: GiaIndustryDisclosures | null;
  /** Per call: set when the requested number was superseded by this report's number. */
  info_message?: string | null;
  /** Per call: presigned asset URLs that expire an hour after the call. */
  links?: Record<string, string | null> | null;
  assets?: unknown[] | null;
  quota?: { remaining?: number } | null;
  [field: string]: unknown;
}

/** A rough stone in the Mine-to-Market intake (`/m2m/v1/rough`). */
export interface IntakeRecord {
  rough_control_no: string;
  mine_company: string;
  mine_name: string;
  /** A country name as GIA prints it ("Botswana"). */
  country_of_origin: string;
  /** Carats, at most 3 decimals. */
  rough_weight_carats: number;
  kp_certificate?: string;
  producer_ref?: string;
  /** Set by the registry: when it first stored the record (ISO 8601). */
  received_at?: string;
  /** Set by the registry: when the record last changed (ISO 8601). */
  updated_at?: string;
}

/** Either native record the GIA platform holds. */
export type GiaRecord = GradingReport | IntakeRecord;

/** Whether a native record is an intake record rather than a grading report. */
export function isIntakeRecord(record: GiaRecord): record is IntakeRecord {
  return (
    typeof (record as Partial<IntakeRecord>).rough_control_no === 'string' && !('report_number' in record)
  );
}
