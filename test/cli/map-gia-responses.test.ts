/** `tracebridge map --from gia` given GIA's answers as GIA documents them (see test/adapters/gia/documented-responses.ts). */
import { describe, expect, test } from 'vitest';
import * as documented from '../adapters/gia/documented-responses.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { runCli } from '../support/cli.js';

const mapGia = (body: unknown) => runCli(['map', '--from', 'gia', '--to', 'canonical'], JSON.stringify(body));

describe('tracebridge map --from gia with GIA response bodies', () => {
  test('a getReportEnc response maps like a getReport one', async () => {
    const run = await mapGia(documented.getReportEncResponse);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse((await mapGia(documented.documentedGetReport)).stdout));
  });

  test('aliased reports map to an array, one record each, with loss entries naming their record', async () => {
    const run = await mapGia(documented.aliasedReports);
    expect(run.code).toBe(0);
    const records = JSON.parse(run.stdout) as { identifiers: { giaReportNumber: string } }[];
    expect(records.map((record) => record.identifiers.giaReportNumber)).toEqual(['2141438171', '2141438169']);
    expect(run.stderr).toMatch(/^guessed \/0\/report_date: /m);
    expect(run.stderr).toMatch(/^guessed \/1\/report_date_iso: /m);
  });

  test('an aliased report that cannot be mapped is refused naming its record', async () => {
    const run = await mapGia(documented.aliasedWithAlexandrite);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/record 1: \/results\/__typename: .*IdentificationReportResults/);
  });

  test.each([
    [
      documented.reportNotFound,
      'REPORT UNAVAILABLE (REPORT NOT FOUND) for getReport: This report does not exist',
    ],
    [
      documented.itemInHouse,
      'REPORT UNAVAILABLE (REPORT IN HOUSE) for report1: The item with this report number',
    ],
    [documented.quotaReached, 'QUOTA REACHED (PLAN QUOTA MET) for getReport: QuotaUsageLimit'],
    [documented.invalidKey, 'GIA refused the lookup: Authorization denied.'],
  ])("GIA's own refusal exits 1 with GIA's words: %#", async (body, message) => {
    const run = await mapGia(body);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('cannot understand');
  });

  test('a fancy intensity with the hue apart and a disclosed source map in one go', async () => {
    const fancy = await mapGia(documented.fancyIntensityOnly);
    expect(fancy.code).toBe(0);
    expect((JSON.parse(fancy.stdout) as DiamondRecord).polished?.color).toEqual({
      scale: 'fancy',
      intensity: 'INT',
      hue: 'yellow',
    });
    const disclosed = await mapGia(documented.disclosedSource);
    expect(disclosed.code).toBe(0);
    expect((JSON.parse(disclosed.stdout) as DiamondRecord).origin).toEqual({ country: 'ZA' });
  });
});
