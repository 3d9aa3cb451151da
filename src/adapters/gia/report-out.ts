/**
 * The canonical record back to the GIA grading report it describes: printed strings from the vocabulary
 * printers, the data block rebuilt from the canonical codes, and `extensions.gia` (the residual) restored
 * underneath. A printed string kept in the residual is used again only while it still says what the
 * canonical record says, so an edited grade is never masked by the old printed form.
 */
import { sameJson } from '../../mapping/content-hash.js';
import { MappingError } from '../../mapping/errors.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import { parseCaratWeight, parseMeasurements, parseReportDate } from '../../mapping/parse.js';
import { giaCaratWeight } from '../../mapping/units.js';
import { parseClarity, printClarity } from '../../mapping/vocab/clarity.js';
import { parseColor, parseHue, printColor } from '../../mapping/vocab/color.js';
import { parseCountry, type ParsedCountry } from '../../mapping/vocab/country.js';
import { parseFinish, printFinish } from '../../mapping/vocab/finish.js';
import { parseFluorescence, printFluorescence } from '../../mapping/vocab/fluorescence.js';
import { parseShape, printShape } from '../../mapping/vocab/shape.js';
import type { CustodyEvent, DiamondRecord, Origin, PolishedStone } from '../../types/diamond.js';
import type { GiaAssociatedReference, GiaDiamondData, GiaDiamondResults, GradingReport } from './native.js';
import { mergeOver, printCaratWeight, printHue, printMeasurements, printReportDate } from './printed.js';
import {
  diamondResultsType,
  disclosedCountry,
  gradedEvent,
  printCountry,
  tracrReference,
} from './report-in.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Canonical fields a grading report has no place for; each is reported as dropped when present. */
const noPlaceOnReport = [
  '/id',
  '/owner',
  '/lineage',
  '/sources',
  '/rough',
  '/identifiers/producerRef',
  '/identifiers/kpCertificate',
];

/** Translates a polished record with a GIA report number to that report; throws MappingError naming the field. */
export function reportFromCanonical(record: DiamondRecord): Translation<GradingReport> {
  const loss = new LossReport();
  const { grading, identifiers, polished } = record;
  const reportNumber = grading?.reportNumber ?? identifiers?.giaReportNumber;
  if (reportNumber === undefined)
    throw new MappingError('/grading/reportNumber', undefined, 'a GIA report number');
  if (grading && grading.lab !== 'GIA')
    throw new MappingError('/grading/lab', grading.lab, 'GIA, the lab of a GIA report');
  if (!polished)
    throw new MappingError('/polished', undefined, 'the polished stone a grading report describes');
  if (identifiers?.giaReportNumber !== undefined && identifiers.giaReportNumber !== reportNumber) {
    loss.conflict(
      '/identifiers/giaReportNumber',
      identifiers.giaReportNumber,
      reportNumber,
      'the report carries grading.reportNumber',
    );
  }
  const rest: Json = isObject(record.extensions?.gia) ? record.extensions.gia : {};
  const restResults: Json = isObject(rest.results) ? rest.results : {};
  const reported = giaCaratWeight(polished.caratWeight);
  if (reported !== polished.caratWeight) {
    loss.rounded(
      '/polished/caratWeight',
      polished.caratWeight,
      reported,
      'GIA reports weights to the hundredth under its rounding rule',
    );
  }
  const results: GiaDiamondResults = {
    __typename: diamondResultsType,
    shape_and_cutting_style: printedOr(
      restResults.shape_and_cutting_style,
      polished.shape,
      parseShape,
      printShape(polished.shape),
    ),
    carat_weight: printedOr(restResults.carat_weight, reported, parseCaratWeight, printCaratWeight(reported)),
  };
  const m = polished.measurements;
  if (m)
    results.measurements = printedOr(restResults.measurements, m, parseMeasurements, printMeasurements(m));
  if (polished.color)
    results.color_grade = printedOr(
      restResults.color_grade,
      polished.color,
      parseColor,
      printColor(polished.color),
    );
  if (polished.clarity)
    results.clarity_grade = printedOr(
      restResults.clarity_grade,
      polished.clarity,
      parseClarity,
      printClarity(polished.clarity),
    );
  for (const [field, key] of [
    ['cut_grade', 'cut'],
    ['polish', 'polish'],
    ['symmetry', 'symmetry'],
  ] as const) {
    const grade = polished[key];
    if (grade) results[field] = printedOr(restResults[field], grade, parseFinish, printFinish(grade));
  }
  const f = polished.fluorescence;
  if (f)
    results.fluorescence = printedOr(restResults.fluorescence, f, parseFluorescence, printFluorescence(f));
  if (identifiers?.inscription !== undefined) results.inscriptions = identifiers.inscription;
  // A country the report had only from the industry disclosure (kept in the residual) is not printed again.
  const disclosed = disclosedCountry(rest as GradingReport);
  writeOrigin(record.origin, identifiers?.roughControlNumber, restResults, results, loss, disclosed);
  // A report read without a data block comes back without one; anything else gets GIA's machine-readable view.
  if (!isObject(rest.results) || isObject(restResults.data)) {
    results.data = dataBlock(polished, reported, isObject(restResults.data) ? restResults.data : {});
  }

  const report: GradingReport = { report_number: reportNumber, results };
  const date = grading?.reportDate;
  if (date !== undefined) {
    report.report_date = printedOr(rest.report_date, date, parseReportDate, printReportDate(date));
    report.report_date_iso = printedOr(rest.report_date_iso, date, parseReportDate, date);
  }
  if (grading?.reportType !== undefined) report.report_type = grading.reportType;
  const references = tracrReferences(identifiers?.tracrId, rest.associated_references);
  if (references) report.associated_references = references;

  reportDropped(record, gradedEvent(reportNumber, date), loss);
  return loss.result(mergeOver(rest, report) as GradingReport);
}

/** The residual's printed form when it still means `meaning`, else the standard print. */
function printedOr(
  original: unknown,
  meaning: unknown,
  parse: (value: unknown, pointer: string) => unknown,
  printed: string,
): string {
  if (typeof original !== 'string') return printed;
  try {
    return sameJson(parse(original, ''), meaning) ? original : printed;
  } catch {
    return printed;
  }
}

function writeOrigin(
  origin: Origin | undefined,
  roughControlNumber: string | undefined,
  restResults: Json,
  results: GiaDiamondResults,
  loss: LossReport,
  disclosed?: ParsedCountry,
): void {
  const country =
    origin?.country !== undefined
      ? { country: origin.country }
      : origin?.aggregated
        ? { aggregated: true as const }
        : undefined;
  const restM2m = isObject(restResults.m2m_rough_data) ? restResults.m2m_rough_data : {};
  const onlyDisclosed =
    restResults.country_of_origin === undefined && disclosed !== undefined && sameJson(disclosed, country);
  if (country && !onlyDisclosed) {
    results.country_of_origin = printedOr(
      restResults.country_of_origin,
      country,
      parseCountry,
      printCountry(country),
    );
  }
  if (roughControlNumber === undefined) {
    if (origin?.producer !== undefined)
      loss.dropped(
        '/origin/producer',
        origin.producer,
        'a report names the producer only with a rough control number',
      );
    if (origin?.mine !== undefined)
      loss.dropped('/origin/mine', origin.mine, 'a report names the mine only with a rough control number');
    return;
  }
  const m2m: Json = { rough_control_no: roughControlNumber };
  if (origin?.producer !== undefined) m2m.mine_company = origin.producer;
  if (origin?.mine !== undefined) m2m.mine_name = origin.mine;
  if (country)
    m2m.country_of_origin = printedOr(
      restM2m.country_of_origin,
      country,
      parseCountry,
      printCountry(country),
    );
  results.m2m_rough_data = m2m;
}

function dataBlock(polished: PolishedStone, weight: number, restData: Json): GiaDiamondData {
  const data: GiaDiamondData = { weight: { weight } };
  const m = polished.measurements;
  if (m) {
    data.measurements =
      'minDiameterMm' in m
        ? {
            __typename: 'RoundMeasurements',
            min_diam: m.minDiameterMm,
            max_diam: m.maxDiameterMm,
            depth: m.depthMm,
          }
        : { __typename: 'FancyMeasurements', length: m.lengthMm, width: m.widthMm, depth: m.depthMm };
  }
  const color = polished.color;
  if (color?.scale === 'DZ') {
    data.color_grades = { __typename: 'DZColorGrade', color_grade_code: color.grade };
    if (isObject(restData.color)) data.color = { color_grade_code: color.grade };
  } else if (color) {
    const kept = isObject(restData.color_grades) ? restData.color_grades : {};
    data.color_grades = {
      __typename: 'CDColorGrade',
      colored_diamond_color_grade: printedOr(
        kept.colored_diamond_color_grade,
        color,
        parseColor,
        printColor(color),
      ),
      colored_diamond_color_grade_code: color.intensity,
      colored_diamond_color_description: printedOr(
        kept.colored_diamond_color_description,
        color.hue,
        parseHue,
        printHue(color),
      ),
    };
  }
  for (const key of ['clarity', 'cut', 'polish', 'symmetry'] as const) {
    if (polished[key] !== undefined) data[key] = polished[key];
  }
  const f = polished.fluorescence;
  if (f) {
    data.fluorescence = { fluorescence_intensity: f.intensity };
    if (f.color) data.fluorescence.fluorescence_color = capitalise(f.color);
  }
  return data;
}

/** The associated references with the Tracr ID in place: the residual's list when there is one. */
function tracrReferences(tracrId: string | undefined, kept: unknown): GiaAssociatedReference[] | undefined {
  const list = Array.isArray(kept) ? (kept as GiaAssociatedReference[]) : undefined;
  if (tracrId === undefined) return list?.filter((ref) => ref.reference_type_code !== tracrReference.code);
  const fresh = {
    reference_type_code: tracrReference.code,
    reference_type_description: tracrReference.description,
    reference_id: tracrId,
  };
  if (!list) return [fresh];
  const at = list.findIndex((ref) => ref.reference_type_code === tracrReference.code);
  return at < 0
    ? [...list, fresh]
    : list.map((ref, i) => (i === at ? { ...ref, reference_id: tracrId } : ref));
}

/** Reports each canonical field the report cannot carry. */
function reportDropped(record: DiamondRecord, graded: CustodyEvent | undefined, loss: LossReport): void {
  for (const pointer of noPlaceOnReport) {
    const [group = '', field] = pointer.split('/').slice(1);
    const holder = (record as Json)[group];
    const value = field === undefined ? holder : isObject(holder) ? holder[field] : undefined;
    if (value !== undefined) loss.dropped(pointer, value, 'a GIA grading report has no place for it');
  }
  record.events?.forEach((event, index) => {
    if (graded === undefined || !sameJson(event, graded))
      loss.dropped(`/events/${index}`, event, 'a GIA grading report records only its own grading');
  });
  for (const [platform, fields] of Object.entries(record.extensions ?? {})) {
    if (platform !== 'gia')
      loss.dropped(
        `/extensions/${platform}`,
        fields,
        "another platform's fields have no place on a GIA report",
      );
  }
}
