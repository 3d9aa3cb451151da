/**
 * A GIA grading report to the canonical record. GIA gives most grades twice: as printed on the report and
 * in the machine-readable `data` block. The data block wins; a printed string that says otherwise is a
 * `conflict` in the loss report, naming both values. Whatever has no canonical home stays in
 * `extensions.gia` in GIA's own shape (see {@link Residual}).
 */
import { sameJson } from '../../mapping/content-hash.js';
import { MappingError } from '../../mapping/errors.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import { parseReportDate } from '../../mapping/parse.js';
import { countryName, parseCountry, type ParsedCountry } from '../../mapping/vocab/country.js';
import type { CustodyEvent, DiamondRecord, Origin } from '../../types/diamond.js';
import type { GiaDiamondResults, GradingReport } from './native.js';
import { pointersUnder, printReportDate, Residual } from './printed.js';
import { readGrades } from './report-grades.js';

/** The only results type that describes a natural diamond's grades. */
export const diamondResultsType = 'DiamondGradingReportResults';

/** Objects whose presence the reverse mapping needs even when every member was taken. */
export const keptObjects = ['/results', '/results/data'];

/** GIA's `reference_type_code` for a Tracr ID, and how GIA describes it. */
export const tracrReference = { code: 'TRACR', description: 'Tracr ID' } as const;

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** The event a report stands for: GIA graded the stone on the report date (at an unknown time that day). */
export function gradedEvent(reportNumber: string, reportDate: string): CustodyEvent;
export function gradedEvent(reportNumber: string, reportDate: string | undefined): CustodyEvent | undefined;
export function gradedEvent(reportNumber: string, reportDate: string | undefined): CustodyEvent | undefined {
  return reportDate === undefined
    ? undefined
    : { type: 'graded', at: `${reportDate}T00:00:00Z`, platform: 'gia', actor: 'GIA', ref: reportNumber };
}

/** Translates a grading report; throws MappingError naming the `/results/...` pointer of a value it cannot read. */
export function reportToCanonical(report: GradingReport): Translation<DiamondRecord> {
  const loss = new LossReport();
  const rest = new Residual(report, keptObjects);
  const reportNumber = report.report_number;
  if (typeof reportNumber !== 'string' || !/^\d{5,12}$/.test(reportNumber)) {
    throw new MappingError('/report_number', reportNumber, 'a GIA report number of 5 to 12 digits');
  }
  rest.take('/report_number');
  const results = report.results;
  if (!present(results) || typeof results !== 'object') {
    throw new MappingError('/results', results, 'the grading results of a natural diamond');
  }
  if (results.__typename !== undefined && results.__typename !== diamondResultsType) {
    throw new MappingError(
      '/results/__typename',
      results.__typename,
      `${diamondResultsType} (a natural diamond)`,
    );
  }
  const polished = readGrades(results, loss, rest);

  const identifiers: NonNullable<DiamondRecord['identifiers']> = { giaReportNumber: reportNumber };
  if (present(results.inscriptions)) {
    identifiers.inscription = results.inscriptions;
    rest.take('/results/inscriptions');
  }
  const tracrId = readTracrId(report, rest);
  if (tracrId !== undefined) identifiers.tracrId = tracrId;
  const origin = readOrigin(report, results, identifiers, loss, rest);

  const reportDate = readReportDate(report, loss, rest);
  const grading: NonNullable<DiamondRecord['grading']> = { lab: 'GIA', reportNumber };
  if (reportDate) grading.reportDate = reportDate;
  if (present(report.report_type)) {
    grading.reportType = report.report_type;
    rest.take('/report_type');
  }
  dropPerCall(report, loss, rest);

  const record: DiamondRecord = { schemaVersion: '1', kind: 'polished', identifiers };
  if (origin) record.origin = origin;
  record.polished = polished;
  record.grading = grading;
  if (reportDate) {
    record.events = [gradedEvent(reportNumber, reportDate)];
    loss.guessed(
      present(report.report_date_iso) ? '/report_date_iso' : '/report_date',
      record.events[0]?.at,
      'GIA gives the report date without a time: the graded event is placed at 00:00 UTC that day',
    );
  }
  const extension = rest.value();
  if (extension) record.extensions = { gia: extension };
  return loss.result(record);
}

function readTracrId(report: GradingReport, rest: Residual): string | undefined {
  const references = report.associated_references;
  if (!Array.isArray(references)) return undefined;
  const tracr = references.find((ref) => ref?.reference_type_code === tracrReference.code);
  const only = references.length === 1 && tracr?.reference_type_description === tracrReference.description;
  if (tracr && only && Object.keys(tracr).length === 3) rest.take('/associated_references');
  return tracr?.reference_id;
}

/** The country GIA's industry disclosure names, when it names one ("South Africa"); its code is GIA's own. */
export function disclosedCountry(report: GradingReport): ParsedCountry | undefined {
  const name = report.industry_disclosures?.disclosed_source?.name;
  if (!present(name)) return undefined;
  try {
    return parseCountry(name, '/industry_disclosures/disclosed_source/name');
  } catch {
    // A source that is not one country stays in extensions.gia as GIA wrote it, code and all.
    return undefined;
  }
}

/**
 * Origin from the report's printed country, the industry's disclosed source and the Mine-to-Market block,
 * in that order of precedence; a source that disagrees with the one used is a conflict in the loss report.
 * The disclosure itself stays in `extensions.gia` with GIA's code.
 */
function readOrigin(
  report: GradingReport,
  results: GiaDiamondResults,
  identifiers: NonNullable<DiamondRecord['identifiers']>,
  loss: LossReport,
  rest: Residual,
): Origin | undefined {
  const origin: Origin = {};
  const printed = present(results.country_of_origin)
    ? parseCountry(results.country_of_origin, '/results/country_of_origin')
    : undefined;
  const disclosed = disclosedCountry(report);
  const m2m = results.m2m_rough_data ?? undefined;
  const declared = present(m2m?.country_of_origin)
    ? parseCountry(m2m.country_of_origin, '/results/m2m_rough_data/country_of_origin')
    : undefined;
  const country = printed ?? disclosed ?? declared;
  if (printed && disclosed && !sameJson(printed, disclosed)) {
    loss.conflict(
      '/industry_disclosures/disclosed_source/name',
      report.industry_disclosures?.disclosed_source?.name,
      printed,
      "the disclosed source disagrees with the report's country of origin; the report wins",
    );
  }
  if (country && declared && !sameJson(country, declared)) {
    loss.conflict(
      '/results/m2m_rough_data/country_of_origin',
      m2m?.country_of_origin,
      country,
      printed
        ? "the producer's declared country disagrees with the report's country of origin; the report wins"
        : "the producer's declared country disagrees with the disclosed source; the disclosure wins",
    );
  }
  if (country)
    Object.assign(origin, 'country' in country ? { country: country.country } : { aggregated: true });
  const printedCountry = country && printCountry(country);
  rest.takeIf('/results/country_of_origin', results.country_of_origin, printedCountry);
  if (present(m2m)) {
    if (present(m2m.rough_control_no)) {
      identifiers.roughControlNumber = m2m.rough_control_no;
      rest.take('/results/m2m_rough_data/rough_control_no');
    }
    if (present(m2m.mine_company)) {
      origin.producer = m2m.mine_company;
      rest.take('/results/m2m_rough_data/mine_company');
    }
    if (present(m2m.mine_name)) {
      origin.mine = m2m.mine_name;
      rest.take('/results/m2m_rough_data/mine_name');
    }
    rest.takeIf('/results/m2m_rough_data/country_of_origin', m2m.country_of_origin, printedCountry);
  }
  return Object.keys(origin).length > 0 ? origin : undefined;
}

/** A country as GIA prints it on a report: the English name, or "Aggregated". */
export function printCountry(country: ParsedCountry): string {
  return 'country' in country ? countryName(country.country) : 'Aggregated';
}

function readReportDate(report: GradingReport, loss: LossReport, rest: Residual): string | undefined {
  const iso = present(report.report_date_iso)
    ? parseReportDate(report.report_date_iso, '/report_date_iso')
    : undefined;
  const printed = present(report.report_date)
    ? parseReportDate(report.report_date, '/report_date')
    : undefined;
  if (iso && printed && iso !== printed) {
    loss.conflict(
      '/report_date',
      report.report_date,
      iso,
      'the printed report date disagrees with report_date_iso; the ISO date wins',
    );
  }
  const date = iso ?? printed;
  if (date) {
    rest.takeIf('/report_date_iso', report.report_date_iso, date);
    rest.takeIf('/report_date', report.report_date, printReportDate(date));
  }
  return date;
}

/** Drops what describes one API call rather than the stone: asset links, quota, the supersession notice. */
function dropPerCall(report: GradingReport, loss: LossReport, rest: Residual): void {
  const reasons: Record<string, string> = {
    links: 'asset links are presigned URLs that expire an hour after the call; fetch them again when needed',
    assets: 'asset links are presigned URLs that expire an hour after the call; fetch them again when needed',
    quota: 'the remaining lookup quota describes the API plan, not the stone',
    info_message: `a notice about the request, not the stone (the record carries the current report number ${report.report_number})`,
  };
  for (const [field, reason] of Object.entries(reasons)) {
    if (!present(report[field])) continue;
    const pointer = perCallPointer[field] ?? `/${field}`;
    loss.dropped(pointer, report[field], reason);
    rest.take(pointer);
  }
}

const perCallPointer: Record<string, string> = pointersUnder('', [
  'links',
  'assets',
  'quota',
  'info_message',
]);
