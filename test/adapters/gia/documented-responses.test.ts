/**
 * GIA as GIA answers: every response shape GIA documents either maps to canonical records or is refused
 * with GIA's own error type and message.
 */
import { describe, expect, it } from 'vitest';
import {
  fromCanonical,
  GiaResponseError,
  readGiaResponse,
  toCanonical,
  unwrapGiaResponse,
  type GiaRecord,
} from '../../../src/adapters/gia/index.js';
import { MappingError } from '../../../src/mapping/errors.js';
import { validateDiamond } from '../../../src/mapping/validate.js';
import * as documented from './documented-responses.js';

const refusal = (input: unknown): GiaResponseError => {
  try {
    readGiaResponse(input);
  } catch (error) {
    if (error instanceof GiaResponseError) return error;
    throw error;
  }
  throw new Error('expected GIA refusal');
};

describe('GIA responses in the shapes GIA documents', () => {
  it.each([
    ['getReport with __typename', documented.documentedGetReport],
    ['getReport with nulls for what does not apply', documented.documentedDiamondResults],
    ['getReportEnc', documented.getReportEncResponse],
  ])('maps %s to a valid canonical record of report 2141438171', (_, body) => {
    const { value } = toCanonical(body);
    expect(validateDiamond(value).valid).toBe(true);
    expect(value.identifiers?.giaReportNumber).toBe('2141438171');
    expect(value.polished).toMatchObject({ shape: 'emerald', caratWeight: 0.51, clarity: 'VS2' });
    expect(value.polished?.color).toEqual({ scale: 'DZ', grade: 'E' });
  });

  it('reads every aliased report of one response, in order', () => {
    const records = readGiaResponse(documented.aliasedReports);
    const canonical = records.map((record) => toCanonical(record).value);
    expect(canonical.map((record) => record.identifiers?.giaReportNumber)).toEqual([
      '2141438171',
      '2141438169',
    ]);
    expect(canonical[1]?.polished).toMatchObject({ shape: 'round', color: { scale: 'DZ', grade: 'G' } });
    expect(canonical.every((record) => validateDiamond(record).valid)).toBe(true);
  });

  it('refuses to take one record from a response holding several, pointing at /data', () => {
    expect(() => unwrapGiaResponse(documented.aliasedReports)).toThrow(
      /one report lookup \(this response holds 2\)/,
    );
  });

  it('refuses an aliased report that is not a natural diamond, naming its type', () => {
    const [, alexandrite] = readGiaResponse(documented.aliasedWithAlexandrite);
    expect(() => toCanonical(alexandrite as GiaRecord)).toThrow(/IdentificationReportResults/);
  });

  it.each([
    [
      'report not found',
      documented.reportNotFound,
      '/data/getReport',
      'GIA refused the lookup: REPORT UNAVAILABLE (REPORT NOT FOUND) for getReport: This report does not exist or is not available through Report Check.',
    ],
    [
      'item undergoing service',
      documented.itemInHouse,
      '/data/report1',
      'GIA refused the lookup: REPORT UNAVAILABLE (REPORT IN HOUSE) for report1: The item with this report number is undergoing service by GIA.',
    ],
    [
      'quota reached',
      documented.quotaReached,
      '/data/getReport',
      'GIA refused the lookup: QUOTA REACHED (PLAN QUOTA MET) for getReport: QuotaUsageLimit',
    ],
    [
      'a malformed request',
      documented.malformedRequest,
      '/errors',
      'GIA refused the lookup: MalformedHttpRequestException: Invalid JSON payload in POST request.',
    ],
    [
      'an invalid key (HTTP 403)',
      documented.invalidKey,
      '/message',
      'GIA refused the lookup: Authorization denied.',
    ],
    [
      'too many requests (HTTP 429)',
      documented.rateLimited,
      '/message',
      'GIA refused the lookup: Too Many Requests',
    ],
  ])("reports %s as GIA's own error, never as a value it cannot understand", (_, body, pointer, message) => {
    const error = refusal(body);
    expect(error).toBeInstanceOf(MappingError);
    expect(error.pointer).toBe(pointer);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.message).not.toMatch(/cannot understand/);
    expect(() => toCanonical(body as never)).toThrow(message);
  });

  it('keeps GIA errors as sent, for callers that act on the error type', () => {
    expect(refusal(documented.quotaReached).errors[0]).toMatchObject({ errorType: 'QUOTA REACHED' });
  });

  it('maps a coloured diamond grade that holds only the intensity, with the hue in the description', () => {
    const { value, loss } = toCanonical(documented.fancyIntensityOnly as never);
    expect(value.polished?.color).toEqual({ scale: 'fancy', intensity: 'INT', hue: 'yellow' });
    expect(loss.filter((entry) => entry.kind === 'conflict')).toEqual([]);
    expect(validateDiamond(value).valid).toBe(true);
  });

  it('maps the intensity-only variant to the same colour as the whole printed grade', () => {
    const report = documented.fancyIntensityOnly.data.getReport;
    const whole = structuredClone(report);
    whole.results.color_grade = 'Fancy Intense Yellow';
    whole.results.data.color_grades.colored_diamond_color_grade = 'Fancy Intense Yellow';
    expect(toCanonical(whole as never).value.polished?.color).toEqual(
      toCanonical(report as never).value.polished?.color,
    );
  });

  it('still refuses an intensity-only grade that has no hue anywhere, naming the field', () => {
    const report = structuredClone(documented.fancyIntensityOnly.data.getReport) as Record<string, unknown>;
    const results = report.results as {
      color_grade?: string;
      data: { color_grades: Record<string, unknown> };
    };
    delete results.data.color_grades.colored_diamond_color_description;
    expect(() => toCanonical(report as never)).toThrow(/\/results\/data\/color_grades/);
  });

  it('reads the disclosed source into origin.country and keeps GIA code and name in extensions.gia', () => {
    const { value } = toCanonical(documented.disclosedSource);
    expect(value.origin?.country).toBe('ZA');
    expect(value.extensions?.gia).toMatchObject({
      industry_disclosures: { disclosed_source: { name: 'South Africa', code: 'COO0024' } },
    });
    expect(validateDiamond(value).valid).toBe(true);
  });

  it('gives back the disclosure as GIA wrote it, without printing a country the report did not print', () => {
    const report = documented.disclosedSource.data.getReport;
    const back = fromCanonical(toCanonical(report).value).value as Record<string, unknown>;
    expect(back.industry_disclosures).toEqual(report.industry_disclosures);
    expect((back.results as Record<string, unknown>).country_of_origin).toBeUndefined();
  });

  it("names a disagreement between the disclosed source and the report's country of origin", () => {
    const report = structuredClone(documented.disclosedSource.data.getReport) as Record<string, unknown>;
    (report.results as Record<string, unknown>).country_of_origin = 'Botswana';
    const { value, loss } = toCanonical(report);
    expect(value.origin?.country).toBe('BW');
    expect(loss).toContainEqual(
      expect.objectContaining({ kind: 'conflict', pointer: '/industry_disclosures/disclosed_source/name' }),
    );
  });
});
