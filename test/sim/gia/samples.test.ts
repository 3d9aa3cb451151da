import { describe, expect, it } from 'vitest';
import { parseGradingReport } from '../../../sim/gia/report-body.js';
import {
  documentedReportNumber,
  giaSampleReports,
  giaSampleRoughRecords,
  giaSampleSupersession,
  printReportDate,
  reportedCaratWeight,
} from '../../../sim/gia/samples.js';
import type { DiamondGradingReportResults } from '../../../sim/gia/types.js';

const results = giaSampleReports.map((report) => report.results as DiamondGradingReportResults);

describe('GIA simulator samples', () => {
  it('are every one a report the lab endpoint would accept, so the served schema can return them', () => {
    for (const report of giaSampleReports) {
      expect(parseGradingReport(structuredClone(report)), report.report_number).not.toHaveProperty(
        'problems',
      );
    }
  });

  it('hold a few dozen reports with unique numbers, including the documented example and the successor', () => {
    const numbers = giaSampleReports.map((report) => report.report_number);
    expect(numbers.length).toBeGreaterThanOrEqual(24);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual(expect.arrayContaining([documentedReportNumber, giaSampleSupersession.by]));
  });

  it('cover what real reports print: N, ranges such as O-P, fancy colours, spelled-out grades, both measurement styles', () => {
    const printed = (field: keyof DiamondGradingReportResults) => new Set(results.map((r) => r[field]));
    for (const grade of ['N', 'O-P', 'Fancy Intense Yellow', 'E'])
      expect(printed('color_grade').has(grade)).toBe(true);
    for (const grade of ['Internally Flawless', 'Flawless', 'VS2'])
      expect(printed('clarity_grade').has(grade)).toBe(true);
    for (const grade of ['Excellent', 'Very Good']) expect(printed('polish').has(grade)).toBe(true);
    for (const value of ['None', 'Medium Blue', 'Faint'])
      expect(printed('fluorescence').has(value)).toBe(true);
    expect(results.some((r) => /^\d+\.\d\d - \d+\.\d\d x \d+\.\d\d mm$/.test(r.measurements))).toBe(true);
    expect(results.some((r) => /^\d+\.\d\d x \d+\.\d\d x \d+\.\d\d mm$/.test(r.measurements))).toBe(true);
    expect(results.every((r) => /^\d+\.\d\d carat$/.test(r.carat_weight))).toBe(true);
  });

  it('link every origin report to a seeded rough record with the same country, lighter than the rough', () => {
    const origin = giaSampleReports.filter((report) => report.report_type_code === 'DOR');
    expect(origin.length).toBeGreaterThanOrEqual(3);
    for (const report of origin) {
      const result = report.results as DiamondGradingReportResults;
      expect(report.report_type).toBe('Diamond Origin Report');
      const rough = giaSampleRoughRecords.find(
        (r) => r.rough_control_no === result.m2m_rough_data?.rough_control_no,
      );
      expect(rough?.country_of_origin).toBe(result.country_of_origin);
      expect(result.data!.weight.weight).toBeLessThan(rough!.rough_weight_carats);
    }
  });

  it('carry Tracr IDs in the agreed format, the documented example with TRACR-E0510000A171', () => {
    const references = giaSampleReports.flatMap((report) => report.associated_references ?? []);
    expect(references.length).toBeGreaterThanOrEqual(5);
    for (const reference of references) expect(reference.reference_id).toMatch(/^TRACR-[0-9A-F]{12}$/);
    const documented = giaSampleReports.find((report) => report.report_number === documentedReportNumber);
    expect(documented?.associated_references).toEqual([
      {
        reference_type_code: 'TRACR',
        reference_type_description: 'Tracr ID',
        reference_id: 'TRACR-E0510000A171',
      },
    ]);
  });

  it('print carat weights with GIA’s rule: truncate to hundredths unless the thousandths digit is 9', () => {
    expect(reportedCaratWeight(1.768)).toBe(1.76);
    expect(reportedCaratWeight(1.769)).toBe(1.77);
    expect(reportedCaratWeight(0.514)).toBe(0.51);
    expect(reportedCaratWeight(0.999)).toBe(1);
  });

  it('print report dates as GIA does ("September 01, 2019")', () => {
    expect(printReportDate('2019-09-01')).toBe('September 01, 2019');
  });
});
