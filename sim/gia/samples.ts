import type {
  ColorGrade,
  DiamondGradingReportResults,
  GradingReport,
  Measurements,
  RoughRecord,
} from './types.js';

/**
 * The registry's seeded reports and rough intake records, generated from small vocabulary tables so the
 * set is deterministic and covers what real reports print: D-to-Z grades including N and ranges such as
 * O-P, fancy colours, round and fancy shapes, spelled-out clarity and finish grades, fluorescence with
 * and without colour, origin reports linked to rough records, Tracr IDs, and one superseded report.
 */

/** GIA's documented example report; the Tracr simulator's ledger holds the same stone at 0.514 ct. */
export const documentedReportNumber = '2141438171';

/** The Tracr ID carried by the documented example, agreed with the Tracr simulator's samples. */
export const documentedTracrId = 'TRACR-E0510000A171';

interface CutStyle {
  style: string;
  category: 'R' | 'F';
  code: string;
  group: string;
  groupCode: string;
  /** Length-to-width ratio of the outline. */
  ratio: number;
}

const cutStyles: readonly CutStyle[] = (
  [
    ['Round Brilliant', 'R', 'RBC', 'Round', 'ROU', 1],
    ['Emerald Cut', 'F', 'EM', 'Emerald', 'EM', 1.36],
    ['Oval Modified Brilliant', 'F', 'OMB', 'Oval', 'OV', 1.4],
    ['Pear Modified Brilliant', 'F', 'PMB', 'Pear', 'PR', 1.55],
    ['Cushion Modified Brilliant', 'F', 'CMB', 'Cushion', 'CU', 1.1],
    ['Marquise Modified Brilliant', 'F', 'MMB', 'Marquise', 'MQ', 2],
    ['Square Modified Brilliant', 'F', 'SMB', 'Square', 'SQ', 1],
    ['Heart Modified Brilliant', 'F', 'HMB', 'Heart', 'HT', 1],
    ['Cut-Cornered Rectangular Modified Brilliant', 'F', 'CRMB', 'Rectangular', 'REC', 1.25],
    ['Square Emerald Cut', 'F', 'SEM', 'Square Emerald', 'SQEM', 1],
  ] as const
).map(([style, category, code, group, groupCode, ratio]) => ({
  style,
  category,
  code,
  group,
  groupCode,
  ratio,
}));

const dzCodes = ['D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'OP', 'QR'] as const;

const fancyColors = [
  { grade: 'Fancy Intense Yellow', code: 'INT', hue: 'Yellow' },
  { grade: 'Fancy Vivid Yellow', code: 'VIV', hue: 'Yellow' },
  { grade: 'Fancy Light Pink', code: 'FLT', hue: 'Pink' },
  { grade: 'Fancy Deep Brownish Yellow', code: 'FDP', hue: 'Brownish Yellow' },
] as const;

const clarityCodes = ['FL', 'IF', 'VVS1', 'VVS2', 'VS1', 'VS2', 'SI1', 'SI2', 'I1'] as const;
/** GIA spells out the two highest clarity grades and prints the rest as abbreviations. */
const printedClarity: Record<string, string> = { FL: 'Flawless', IF: 'Internally Flawless' };

const finishGrades = { EX: 'Excellent', VG: 'Very Good', G: 'Good', F: 'Fair', P: 'Poor' } as const;
type FinishCode = keyof typeof finishGrades;
const finishCycle: readonly FinishCode[] = ['EX', 'VG', 'G', 'EX', 'VG', 'F'];

const fluorescences = [
  { code: 'NON', color: null, printed: 'None' },
  { code: 'FNT', color: null, printed: 'Faint' },
  { code: 'MED', color: 'Blue', printed: 'Medium Blue' },
  { code: 'STG', color: 'Blue', printed: 'Strong Blue' },
  { code: 'VST', color: 'Blue', printed: 'Very Strong Blue' },
] as const;

const reportTypes = {
  DG: 'Diamond Grading Report',
  DD: 'Diamond Dossier',
  DOR: 'Diamond Origin Report',
  CD: 'Colored Diamond Grading Report',
} as const;

/** "2019-09-01" as GIA prints it: "September 01, 2019". */
export function printReportDate(isoDate: string): string {
  const [year, , day] = isoDate.split('-');
  const month = new Date(`${isoDate}T00:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  return `${month} ${day}, ${year}`;
}

/**
 * GIA's carat rule: weighed to 0.001 ct, reported to 0.01 ct, rounded up only when the thousandths digit
 * is 9 (1.768 -> 1.76, 1.769 -> 1.77). Works in thousandths to keep floating point out of the rounding.
 */
export function reportedCaratWeight(weighedCarats: number): number {
  const thousandths = Math.round(weighedCarats * 1000);
  const hundredths = Math.floor(thousandths / 10) + (thousandths % 10 === 9 ? 1 : 0);
  return hundredths / 100;
}

/** One stone to turn into a report. */
interface StoneSpec {
  reportNumber: string;
  isoDate: string;
  type: keyof typeof reportTypes;
  cut: CutStyle;
  weighedCarats: number;
  color: { dz: string } | { fancy: (typeof fancyColors)[number] };
  clarity: string;
  cutGrade?: FinishCode;
  polish: FinishCode;
  symmetry: FinishCode;
  fluorescence: (typeof fluorescences)[number];
  inscribed: boolean;
  tracrId?: string;
  rough?: RoughRecord;
  measurements?: Measurements;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const fixed2 = (value: number): string => value.toFixed(2);

/** Plausible measurements for a weight and outline: a 1 ct round is about 6.45 mm across. */
function measurementsFor(cut: CutStyle, carats: number): Measurements {
  const spread = 6.47 * Math.cbrt(carats);
  if (cut.category === 'R') {
    return {
      __typename: 'RoundMeasurements',
      min_diam: round2(spread - 0.02),
      max_diam: round2(spread + 0.02),
      depth: round2(spread * 0.616),
    };
  }
  const width = round2(spread / Math.sqrt(cut.ratio));
  return {
    __typename: 'FancyMeasurements',
    length: round2(width * cut.ratio),
    width,
    depth: round2(width * 0.66),
  };
}

function printMeasurements(m: Measurements): string {
  return m.__typename === 'RoundMeasurements'
    ? `${fixed2(m.min_diam)} - ${fixed2(m.max_diam)} x ${fixed2(m.depth)} mm`
    : `${fixed2(m.length)} x ${fixed2(m.width)} x ${fixed2(m.depth)} mm`;
}

function buildReport(spec: StoneSpec): GradingReport {
  const measurements = spec.measurements ?? measurementsFor(spec.cut, spec.weighedCarats);
  const carats = reportedCaratWeight(spec.weighedCarats);
  const dz = 'dz' in spec.color ? spec.color.dz : null;
  const colorGrades: ColorGrade =
    'dz' in spec.color
      ? { __typename: 'DZColorGrade', color_grade_code: spec.color.dz, color_modifier: null }
      : {
          __typename: 'CDColorGrade',
          colored_diamond_color_grade: spec.color.fancy.grade,
          colored_diamond_color_grade_code: spec.color.fancy.code,
          colored_diamond_color_description: spec.color.fancy.hue,
          colored_diamond_color_description_code: null,
        };
  const round = spec.cut.category === 'R';
  const results: DiamondGradingReportResults = {
    __typename: 'DiamondGradingReportResults',
    shape_and_cutting_style: spec.cut.style,
    measurements: printMeasurements(measurements),
    carat_weight: `${fixed2(carats)} carat`,
    color_grade:
      dz === null ? (spec.color as { fancy: { grade: string } }).fancy.grade : dz.split('').join('-'),
    clarity_grade: printedClarity[spec.clarity] ?? spec.clarity,
    cut_grade: spec.cutGrade ? finishGrades[spec.cutGrade] : null,
    polish: finishGrades[spec.polish],
    symmetry: finishGrades[spec.symmetry],
    fluorescence: spec.fluorescence.printed,
    inscriptions: spec.inscribed ? `GIA ${spec.reportNumber}` : null,
    report_comments: null,
    country_of_origin: spec.rough?.country_of_origin ?? null,
    proportions: {
      depth_pct: (round ? 61.6 : 66.4).toFixed(1),
      table_pct: round ? '57' : '64',
      girdle: 'Medium to Slightly Thick, Faceted',
      culet: 'None',
    },
    m2m_rough_data: spec.rough
      ? {
          rough_control_no: spec.rough.rough_control_no,
          rough_report_no: null,
          mine_company: spec.rough.mine_company,
          mine_name: spec.rough.mine_name,
          country_of_origin: spec.rough.country_of_origin,
        }
      : null,
    data: {
      shape: {
        shape_category: spec.cut.category,
        shape_code: spec.cut.code,
        shape_group: spec.cut.group,
        shape_group_code: spec.cut.groupCode,
      },
      measurements,
      weight: { weight: carats, weight_unit: 'carat' },
      color: dz === null ? null : { color_grade_code: dz, color_modifier: null },
      color_grades: colorGrades,
      clarity: spec.clarity,
      cut: spec.cutGrade ?? null,
      polish: spec.polish,
      symmetry: spec.symmetry,
      fluorescence: {
        fluorescence_intensity: spec.fluorescence.code,
        fluorescence_color: spec.fluorescence.color,
      },
    },
  };
  const links: Record<string, string> = { pdf: `${spec.reportNumber}.pdf` };
  if (spec.type !== 'CD') links.proportions_diagram = `${spec.reportNumber}_proportions.png`;
  if (spec.type === 'DG' || spec.type === 'CD') links.plotting_diagram = `${spec.reportNumber}_plotting.png`;
  if (spec.type === 'DOR') {
    for (const kind of ['rough_image', 'polished_image']) links[kind] = `${spec.reportNumber}_${kind}.jpg`;
    for (const kind of ['rough_video', 'polished_video']) links[kind] = `${spec.reportNumber}_${kind}.mp4`;
  }
  return {
    report_number: spec.reportNumber,
    report_date: printReportDate(spec.isoDate),
    report_date_iso: spec.isoDate,
    report_type: reportTypes[spec.type],
    report_type_code: spec.type,
    results,
    links,
    associated_references: spec.tracrId
      ? [{ reference_type_code: 'TRACR', reference_type_description: 'Tracr ID', reference_id: spec.tracrId }]
      : null,
  };
}

const roughSpecs = [
  ['RCN-BW-19-0001', 'Demo Mining', 'Kgale Pit', 'Botswana', 2.861, 'KP-BW-2019-004211'],
  ['RCN-BW-19-0002', 'Demo Mining', 'Kgale Pit', 'Botswana', 3.402, 'KP-BW-2019-004212'],
  [
    'RCN-NA-19-0003',
    'Okavango Diamond Works',
    'Skeleton Coast Marine',
    'Namibia',
    1.975,
    'KP-NA-2019-000871',
  ],
  ['RCN-CA-20-0004', 'Northern Lights Diamonds', 'Lac de Glace', 'Canada', 4.118, 'KP-CA-2020-001530'],
  [
    'RCN-ZA-20-0005',
    'Karoo Mineral Resources',
    'Vaal River West',
    'South Africa',
    2.244,
    'KP-ZA-2020-010077',
  ],
  ['RCN-CA-20-0006', 'Northern Lights Diamonds', 'Lac de Glace', 'Canada', 5.63, 'KP-CA-2020-001531'],
] as const;

/** Rough stones submitted to the Mine-to-Market intake; all but the last were later graded. */
export const giaSampleRoughRecords: readonly RoughRecord[] = roughSpecs.map(
  (
    [rough_control_no, mine_company, mine_name, country_of_origin, rough_weight_carats, kp_certificate],
    i,
  ) => {
    const at = `2019-0${(i % 6) + 1}-1${i}T09:00:00.000Z`;
    return {
      rough_control_no,
      mine_company,
      mine_name,
      country_of_origin,
      rough_weight_carats,
      kp_certificate,
      producer_ref: `LOT-${String(i + 1).padStart(4, '0')}`,
      received_at: at,
      updated_at: at,
    };
  },
);

/** A Tracr-format ID (`TRACR-` and 12 uppercase hex digits) derived from a report number. */
export function sampleTracrId(reportNumber: string): string {
  return `TRACR-${Number(reportNumber).toString(16).toUpperCase().padStart(12, '0')}`;
}

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function generatedSpecs(): StoneSpec[] {
  const specs: StoneSpec[] = [
    {
      reportNumber: documentedReportNumber,
      isoDate: '2019-09-01',
      type: 'DD',
      cut: cutStyles[1]!,
      weighedCarats: 0.514,
      color: { dz: 'E' },
      clarity: 'VS2',
      polish: 'EX',
      symmetry: 'VG',
      fluorescence: fluorescences[0],
      inscribed: true,
      tracrId: documentedTracrId,
      measurements: { __typename: 'FancyMeasurements', length: 5.29, width: 3.88, depth: 2.61 },
    },
    {
      reportNumber: '2141438169',
      isoDate: '2019-08-20',
      type: 'DG',
      cut: cutStyles[0]!,
      weighedCarats: 1.008,
      color: { dz: 'G' },
      clarity: 'IF',
      cutGrade: 'EX',
      polish: 'EX',
      symmetry: 'EX',
      fluorescence: fluorescences[2],
      inscribed: true,
      measurements: { __typename: 'RoundMeasurements', min_diam: 6.45, max_diam: 6.48, depth: 3.98 },
    },
  ];
  for (let i = 1; i <= 26; i += 1) {
    // Half the stones are round brilliants, as in the trade; the rest cycle through the fancy outlines.
    const cut = i % 2 === 0 ? cutStyles[0]! : cutStyles[(((i - 1) / 2) % (cutStyles.length - 1)) + 1]!;
    const fancy = i % 7 === 3;
    const weighedCarats = Math.round((0.3 + ((i * 0.379) % 2.6)) * 1000) / 1000;
    specs.push({
      reportNumber: String(2_200_000_000 + i * 7_919_113),
      isoDate: addDays('2019-10-01', i * 17),
      // GIA issues the Dossier for stones under 2 carats only.
      type: fancy ? 'CD' : i % 3 === 0 && weighedCarats < 2 ? 'DD' : 'DG',
      cut,
      weighedCarats,
      color: fancy ? { fancy: fancyColors[(i / 7) | 0]! } : { dz: dzCodes[i % dzCodes.length]! },
      clarity: clarityCodes[(i * 4) % clarityCodes.length]!,
      ...(cut.category === 'R' && !fancy ? { cutGrade: finishCycle[i % finishCycle.length]! } : {}),
      polish: finishCycle[(i + 1) % finishCycle.length]!,
      symmetry: finishCycle[(i + 2) % finishCycle.length]!,
      fluorescence: fluorescences[i % fluorescences.length]!,
      inscribed: i % 4 !== 1,
      ...(i % 5 === 0 ? { tracrId: sampleTracrId(String(2_200_000_000 + i * 7_919_113)) } : {}),
    });
  }
  giaSampleRoughRecords.slice(0, 5).forEach((rough, i) => {
    const reportNumber = String(6_204_489_100 + i * 37);
    specs.push({
      reportNumber,
      isoDate: addDays('2020-03-02', i * 23),
      type: 'DOR',
      cut: cutStyles[(i * 3) % cutStyles.length]!,
      weighedCarats: Math.round(rough.rough_weight_carats * (0.36 + i * 0.02) * 1000) / 1000,
      color: { dz: dzCodes[(i + 2) % 8]! },
      clarity: clarityCodes[(i + 3) % clarityCodes.length]!,
      ...(i % 3 === 0 ? { cutGrade: 'EX' as const } : {}),
      polish: 'EX',
      symmetry: i % 2 === 0 ? 'EX' : 'VG',
      fluorescence: fluorescences[(i * 2) % fluorescences.length]!,
      inscribed: true,
      tracrId: sampleTracrId(reportNumber),
      rough,
    });
  });
  return specs;
}

const specs = generatedSpecs();

/** The report the lab re-examined, and the report number that replaced it. */
export const giaSampleSupersession = { superseded: '2207919113', by: '2263920000' } as const;

/** Reports seeded into the registry, the superseded one included (it answers with its successor). */
export const giaSampleReports: readonly GradingReport[] = [
  ...specs.map(buildReport),
  buildReport({
    ...specs.find((spec) => spec.reportNumber === giaSampleSupersession.superseded)!,
    reportNumber: giaSampleSupersession.by,
    isoDate: '2021-02-15',
    clarity: 'VS2',
  }),
];

/**
 * Reports that exist but are not served to API plans: one the plan's key may not see (GIA answers
 * errorType "REPORT NOT FOUND", errorInfo "FORBIDDEN") and one whose stone is back at the lab.
 */
export const giaSampleAvailability: Readonly<Record<string, 'forbidden' | 'in_house'>> = {
  [specs[8]!.reportNumber]: 'forbidden',
  [specs[9]!.reportNumber]: 'in_house',
};
