/**
 * GIA's Report Results API over GraphQL: the one query document the adapter sends (fragments in the style
 * of GIA's master query), and how GIA's `errors[]` (answered with HTTP 200) become classified failures.
 */
import type { AxiosInstance } from 'axios';
import { optional } from '../http.js';
import { PlatformError } from '../errors.js';

/** GIA's lookup fields for a report. Asset links and quota are left out: they are per call and expire. */
export const giaQueryDocument = /* GraphQL */ `
  query ReportQuery($ReportNumber: String!) {
    getReport(report_number: $ReportNumber) {
      ...GradingReportFields
    }
  }

  query ReportUpdatedQuery($ReportNumber: String!, $Date: String!) {
    isReportUpdated(report_number: $ReportNumber, date: $Date) {
      report_updated
      date_updated
    }
  }

  query ChangedReportsQuery($Limit: Int, $Cursor: String) {
    getChangedReports(limit: $Limit, cursor: $Cursor) {
      results {
        report {
          ...GradingReportFields
        }
      }
      endCursor
    }
  }

  query QuotaQuery {
    getQuota {
      remaining
      buckets {
        id
        remaining
        expiration_date
        status
      }
    }
  }

  mutation ClearChangedReports {
    clearChangedReports
  }

  fragment GradingReportFields on GradingReport {
    report_number
    report_date
    report_date_iso
    report_type
    report_type_code
    info_message
    is_digital
    is_sleeve
    associated_references {
      ...AssociatedReferencesResultFields
    }
    results {
      __typename
      ...DiamondGradingResultFields
    }
  }

  fragment DiamondGradingResultFields on DiamondGradingReportResults {
    shape_and_cutting_style
    measurements
    carat_weight
    color_grade
    color_origin
    color_distribution
    clarity_grade
    cut_grade
    polish
    symmetry
    fluorescence
    clarity_characteristics
    inscriptions
    country_of_origin
    diamond_type
    report_comments
    proportions {
      ...DiamondProportionFields
    }
    m2m_rough_data {
      rough_control_no
      rough_report_no
      mine_company
      mine_name
      country_of_origin
    }
    data {
      ...DiamondGradingDataFields
    }
  }

  fragment DiamondProportionFields on DiamondProportions {
    depth_pct
    table_pct
    crown_angle
    crown_height
    pavilion_angle
    pavilion_depth
    star_length
    lower_half
    girdle
    culet
  }

  fragment DiamondGradingDataFields on DiamondData {
    shape {
      shape_category
      shape_code
      shape_group
      shape_group_code
    }
    measurements {
      __typename
      ... on RoundMeasurements {
        min_diam
        max_diam
        depth
      }
      ... on FancyMeasurements {
        length
        width
        depth
      }
    }
    weight {
      weight
      weight_unit
    }
    color_grades {
      __typename
      ... on CDColorGrade {
        colored_diamond_color_grade
        colored_diamond_color_grade_code
        colored_diamond_color_description
        colored_diamond_color_description_code
      }
      ... on DZColorGrade {
        color_grade_code
        color_modifier
      }
    }
    clarity
    cut
    polish
    symmetry
    fluorescence {
      fluorescence_intensity
      fluorescence_color
    }
  }

  fragment AssociatedReferencesResultFields on AssociatedReference {
    reference_type_code
    reference_type_description
    reference_id
  }
`;

/** The operations of {@link giaQueryDocument}. */
export type GiaOperation =
  'ReportQuery' | 'ReportUpdatedQuery' | 'ChangedReportsQuery' | 'QuotaQuery' | 'ClearChangedReports';

/** One entry of GIA's `errors[]`. */
export interface GiaGraphqlError {
  message?: string;
  errorType?: string | null;
  errorInfo?: string | null;
  path?: unknown[] | null;
}

/** The report is not there (GIA: REPORT UNAVAILABLE / REPORT NOT FOUND): a lookup answers null. */
export class ReportNotFound extends Error {
  override readonly name = 'ReportNotFound';
}

/**
 * Sends one operation and answers its `data`. GIA's `errors[]` are classified here: a missing report
 * throws {@link ReportNotFound}; everything else a {@link PlatformError}. `quotaRetryAfterMs` is asked
 * only when the quota is spent, for how long to wait.
 */
export async function callGia<T>(
  http: AxiosInstance,
  operation: GiaOperation,
  variables: Record<string, unknown>,
  context: { stone?: string; quotaRetryAfterMs?: () => Promise<number | undefined> } = {},
): Promise<T> {
  const response = await http.post<{ data?: T | null; errors?: GiaGraphqlError[] }>('', {
    query: giaQueryDocument,
    variables,
    operationName: operation,
  });
  const body = response.data;
  const error = body.errors?.[0];
  if (error === undefined) {
    if (body.data === null || body.data === undefined) {
      throw new PlatformError(`${operation} answered no data`, { adapter: 'gia', failure: 'retryable' });
    }
    return body.data;
  }
  const kind = `${error.errorType ?? 'error'}${error.errorInfo ? ` / ${error.errorInfo}` : ''}`;
  const message = `${operation} failed with ${kind}: ${error.message ?? ''}`;
  const details = { adapter: 'gia', status: response.status, ...optional('stone', context.stone) };
  if (error.errorType === 'REPORT UNAVAILABLE' && error.errorInfo === 'REPORT NOT FOUND') {
    throw new ReportNotFound(message);
  }
  if (error.errorType === 'QUOTA REACHED') {
    // The plan's lookups come back when its quota renews: a sync job should wait, not give up.
    const retryAfterMs = await context.quotaRetryAfterMs?.().catch(() => undefined);
    throw new PlatformError(message, {
      ...details,
      failure: 'retryable',
      ...optional('retryAfterMs', retryAfterMs),
    });
  }
  // The stone is back at the lab for service; its report returns when the service is done.
  if (error.errorInfo === 'REPORT IN HOUSE')
    throw new PlatformError(message, { ...details, failure: 'retryable' });
  // FORBIDDEN, INVALID ARGUMENT, ValidationError and anything unknown: asking again gives the same answer.
  throw new PlatformError(message, {
    ...details,
    failure: 'unrecoverable',
    ...optional('field', error.errorType === 'INVALID ARGUMENT' ? (error.errorInfo ?? undefined) : undefined),
  });
}
