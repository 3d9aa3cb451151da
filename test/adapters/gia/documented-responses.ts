/**
 * Response bodies in the shapes GIA documents for its Report Results API (GIALaboratory/
 * gialaboratory.github.io, `report-results/docs/index.md` and `report-results/example-queries/index.md`),
 * written here for the bridge's tests. Each says which documented example it follows; values beyond the
 * documented ones are the bridge's own.
 */

/** docs/index.md, "Report Results": `getReport` with `__typename` and four printed grades. */
export const documentedGetReport = {
  data: {
    getReport: {
      report_date: 'September 01, 2019',
      report_number: '2141438171',
      report_type: 'Diamond Dossier',
      results: {
        __typename: 'DiamondGradingReportResults',
        shape_and_cutting_style: 'Emerald Cut',
        carat_weight: '0.51 carat',
        color_grade: 'E',
        clarity_grade: 'VS2',
      },
    },
  },
};

/** example-queries/index.md, "Diamond Results": no `__typename`, fields that do not apply answered null. */
export const documentedDiamondResults = {
  data: {
    getReport: {
      report_date: 'September 01, 2019',
      report_date_iso: '2019-09-01',
      report_number: '2141438171',
      report_type: 'Diamond Dossier',
      report_type_code: 'DD',
      results: {
        shape_and_cutting_style: 'Emerald Cut',
        measurements: '5.29 x 3.88 x 2.61 mm',
        carat_weight: '0.51 carat',
        color_grade: 'E',
        color_origin: null,
        color_distribution: null,
        clarity_grade: 'VS2',
        cut_grade: null,
        polish: 'Very Good',
        symmetry: 'Good',
        fluorescence: 'None',
        clarity_characteristics: 'Cloud, Needle',
        inscriptions: 'GIA 2141438171, YOUR LOGO OR PERSONAL MESSAGE HERE',
        report_comments: 'SAMPLESAMPLESAMPLESAMPLE',
        proportions: {
          depth_pct: '67.2',
          table_pct: '63',
          crown_angle: null,
          crown_height: null,
          pavilion_angle: null,
          pavilion_depth: null,
          star_length: null,
          lower_half: null,
          girdle: 'Slightly Thick to Thick',
          culet: 'Very Small',
        },
      },
    },
  },
};

/** The schema's `getReportEnc(report_number_enrypted)`: the same `GradingReport`, under its own field. */
export const getReportEncResponse = {
  data: { getReportEnc: documentedGetReport.data.getReport },
};

/**
 * example-queries/index.md, "Query Multiple Reports": two aliased lookups in one `data`. The documented
 * fragment asks only the report header; these ask the diamond results too, as the master query does.
 */
export const aliasedReports = {
  data: {
    report1: documentedGetReport.data.getReport,
    report2: {
      report_date: 'March 14, 2021',
      report_date_iso: '2021-03-14',
      report_number: '2141438169',
      report_type: 'Diamond Grading Report',
      report_type_code: 'DG',
      results: {
        __typename: 'DiamondGradingReportResults',
        shape_and_cutting_style: 'Round Brilliant',
        measurements: '6.45 - 6.48 x 3.98 mm',
        carat_weight: '1.01 carat',
        color_grade: 'G',
        clarity_grade: 'VVS1',
        cut_grade: 'Excellent',
      },
    },
  },
};

/** The documented multiple-report answer as published: report2 is an Alexandrite Report (AL), no diamond. */
export const aliasedWithAlexandrite = {
  data: {
    report1: documentedGetReport.data.getReport,
    report2: {
      report_date: 'February 01, 2015',
      report_date_iso: '2015-02-01',
      report_number: '2141438188',
      report_type: 'Alexandrite Report',
      report_type_code: 'AL',
      results: { __typename: 'IdentificationReportResults' },
    },
  },
};

/** docs/index.md, "Error Conditions: Report not found": HTTP 200, `getReport: null` and GIA's error. */
export const reportNotFound = {
  data: { getReport: null },
  errors: [
    {
      path: ['getReport'],
      data: null,
      errorType: 'REPORT UNAVAILABLE',
      errorInfo: 'REPORT NOT FOUND',
      locations: [{ line: 2, column: 3, sourceName: null }],
      message:
        'This report does not exist or is not available through Report Check. For further information, please contact us. Code: c7b893ee-63ba-4e03-be84-83ef13da222f',
    },
  ],
};

/** docs/index.md, "Item is Undergoing Service": an aliased lookup (`report1`) answered null. */
export const itemInHouse = {
  data: { report1: null },
  errors: [
    {
      path: ['report1'],
      data: null,
      errorInfo: 'REPORT IN HOUSE',
      errorType: 'REPORT UNAVAILABLE',
      locations: [{ line: 3, column: 3, sourceName: null }],
      message:
        'The item with this report number is undergoing service by GIA. Once service is completed and the item is returned, report results will be displayed. Please try your search later.',
    },
  ],
};

/** docs/index.md, "Quota limit exceeded": HTTP 200 with QUOTA REACHED. */
export const quotaReached = {
  data: { getReport: null },
  errors: [
    {
      path: ['getReport'],
      data: null,
      errorInfo: 'PLAN QUOTA MET',
      errorType: 'QUOTA REACHED',
      locations: [{ line: 2, column: 3, sourceName: null }],
      message: 'QuotaUsageLimit',
    },
  ],
};

/** docs/index.md, "MalformedHttpRequestException": errors and no data at all. */
export const malformedRequest = {
  errors: [{ message: 'Invalid JSON payload in POST request.', errorType: 'MalformedHttpRequestException' }],
};

/** docs/index.md, "Invalid key": the whole body of GIA's HTTP 403. */
export const invalidKey = { message: 'Authorization denied.' };

/**
 * docs/index.md, "Rate Limits": an HTTP 429 with Retry-After; GIA documents no body, so this is the
 * `{message}` body its gateway gives a 403 (see {@link invalidKey}).
 */
export const rateLimited = { message: 'Too Many Requests' };

/**
 * The schema's `CDColorGrade` with `colored_diamond_color_grade` holding only the intensity, as GIA's
 * `ColoredDiamondColorGradeCode` names it, and the hue in `colored_diamond_color_description`; the
 * report shape follows example-queries' "Diamond Results" with the master query's `data` block.
 */
export const fancyIntensityOnly = {
  data: {
    getReport: {
      report_number: '2141438174',
      report_date_iso: '2019-09-01',
      report_type: 'Colored Diamond Grading Report',
      report_type_code: 'CD',
      results: {
        __typename: 'DiamondGradingReportResults',
        shape_and_cutting_style: 'Cushion Modified Brilliant',
        measurements: '6.12 x 5.58 x 3.71 mm',
        carat_weight: '1.20 carat',
        color_grade: 'Fancy Intense',
        clarity_grade: 'VS1',
        data: {
          color_grades: {
            __typename: 'CDColorGrade',
            colored_diamond_color_grade: 'Fancy Intense',
            colored_diamond_color_grade_code: 'INT',
            colored_diamond_color_description: 'Yellow',
            colored_diamond_color_description_code: 'Y',
          },
        },
      },
    },
  },
};

/** The master query's `industry_disclosures { disclosed_source { name code } }` on a diamond report. */
export const disclosedSource = {
  data: {
    getReport: {
      ...documentedDiamondResults.data.getReport,
      industry_disclosures: { disclosed_source: { name: 'South Africa', code: 'COO0024' } },
    },
  },
};
