/**
 * Mine-to-Market intake records, the GIA platform's only write side: a producer declares a rough stone
 * (control number, mine, country, weight) that a later grading report links to through `m2m_rough_data`.
 */
import { MappingError } from '../../mapping/errors.js';
import { LossReport, type Translation } from '../../mapping/loss.js';
import { parseCaratWeight } from '../../mapping/parse.js';
import { countryName, parseCountry } from '../../mapping/vocab/country.js';
import type { DiamondRecord } from '../../types/diamond.js';
import type { IntakeRecord } from './native.js';

/** The fields a producer submits; the registry adds `received_at` and `updated_at` itself. */
export const submittedFields = [
  'rough_control_no',
  'mine_company',
  'mine_name',
  'country_of_origin',
  'rough_weight_carats',
  'kp_certificate',
  'producer_ref',
] as const;

/** What a producer submits for one rough stone. */
export type IntakeSubmission = Omit<IntakeRecord, 'received_at' | 'updated_at'>;

/** An intake record to a canonical rough stone; the registry's timestamps stay in `extensions.gia`. */
export function intakeToCanonical(intake: IntakeRecord): Translation<DiamondRecord> {
  const loss = new LossReport();
  const text = (field: keyof IntakeRecord): string => {
    const value = intake[field];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new MappingError(`/${field}`, value, 'a non-empty string');
    }
    return value;
  };
  const country = parseCountry(intake.country_of_origin, '/country_of_origin');
  const record: DiamondRecord = {
    schemaVersion: '1',
    kind: 'rough',
    identifiers: { roughControlNumber: text('rough_control_no') },
    origin: {
      ...('country' in country ? { country: country.country } : { aggregated: true }),
      producer: text('mine_company'),
      mine: text('mine_name'),
    },
    rough: { caratWeight: parseCaratWeight(intake.rough_weight_carats, '/rough_weight_carats', loss) },
  };
  if (intake.kp_certificate !== undefined) record.identifiers!.kpCertificate = text('kp_certificate');
  if (intake.producer_ref !== undefined) record.identifiers!.producerRef = text('producer_ref');
  const extension: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(intake)) {
    if (!(submittedFields as readonly string[]).includes(field)) extension[field] = value;
  }
  // A country printed another way than GIA's English name ("BW", "Republic of Botswana") is kept as written.
  if ('country' in country && countryName(country.country) !== intake.country_of_origin) {
    extension.country_of_origin = intake.country_of_origin;
  }
  if (Object.keys(extension).length > 0) record.extensions = { gia: extension };
  return loss.result(record);
}

/**
 * A canonical record to what the intake accepts. It needs the rough control number, the rough weight and
 * the declared origin (country, producer, mine); without one it fails with a MappingError naming the field.
 * Grades and grading are the lab's act, not the producer's, so they are dropped with loss entries.
 */
export function intakeFromCanonical(record: DiamondRecord): Translation<IntakeRecord> {
  const loss = new LossReport();
  const need = <T>(value: T | undefined, pointer: string, expected: string): T => {
    if (value === undefined) throw new MappingError(pointer, value, expected);
    return value;
  };
  const { identifiers, origin } = record;
  const rough_control_no = need(
    identifiers?.roughControlNumber,
    '/identifiers/roughControlNumber',
    'the rough control number the intake files the stone under',
  );
  const rough_weight_carats = need(
    record.rough?.caratWeight,
    '/rough/caratWeight',
    'the rough weight in carats',
  );
  const country = need(
    origin?.country,
    '/origin/country',
    'the country of origin as an ISO 3166-1 code (the intake takes no aggregated origin)',
  );
  const intake: IntakeRecord = {
    rough_control_no,
    mine_company: need(origin?.producer, '/origin/producer', 'the producer (mining company)'),
    mine_name: need(origin?.mine, '/origin/mine', 'the mine'),
    country_of_origin: countryName(country),
    rough_weight_carats,
  };
  if (identifiers?.kpCertificate !== undefined) intake.kp_certificate = identifiers.kpCertificate;
  if (identifiers?.producerRef !== undefined) intake.producer_ref = identifiers.producerRef;
  const kept = record.kind === 'rough' ? record.extensions?.gia : undefined;
  if (kept) {
    for (const field of ['received_at', 'updated_at'] as const) {
      if (typeof kept[field] === 'string') intake[field] = kept[field];
    }
    const printed = kept.country_of_origin;
    if (typeof printed === 'string' && canParseTo(printed, country)) intake.country_of_origin = printed;
  }
  for (const [pointer, value, reason] of [
    ['/id', record.id, "the intake files stones under the producer's rough control number"],
    ['/owner', record.owner, 'the intake has no owner field'],
    ['/identifiers/tracrId', identifiers?.tracrId, 'the intake has no field for a Tracr ID'],
    [
      '/identifiers/giaReportNumber',
      identifiers?.giaReportNumber,
      'grading reports are issued by the lab, not written through the intake',
    ],
    [
      '/identifiers/inscription',
      identifiers?.inscription,
      "inscriptions are the lab's act, not written through the intake",
    ],
    ['/polished', record.polished, "grades are the lab's act, not written through the intake"],
    ['/grading', record.grading, "grading is the lab's act, not written through the intake"],
    ['/lineage', record.lineage, 'the intake records single rough stones'],
    ['/events', record.events, 'the intake keeps no custody events'],
    ['/sources', record.sources, "where other platforms hold the stone is the bridge's record"],
  ] as const) {
    if (value !== undefined) loss.dropped(pointer, value, reason);
  }
  for (const [platform, fields] of Object.entries(record.extensions ?? {})) {
    if (platform !== 'gia' || record.kind !== 'rough') {
      loss.dropped(`/extensions/${platform}`, fields, 'the intake has no place for these native fields');
    }
  }
  return loss.result(intake);
}

/** The fields of an intake record a producer submits, without the registry's own. */
export function submission(intake: IntakeRecord): IntakeSubmission {
  const { received_at: _received, updated_at: _updated, ...submitted } = intake;
  return submitted;
}

function canParseTo(printed: string, country: string): boolean {
  try {
    const parsed = parseCountry(printed, '');
    return 'country' in parsed && parsed.country === country;
  } catch {
    return false;
  }
}
