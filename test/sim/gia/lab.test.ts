import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GradingReport, RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleReports, giaSampleRoughRecords } from '../../../sim/gia/samples.js';
import { postGraphql, sendJson, startTestGia } from './support.js';

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia();
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
});

/** A new natural-diamond report for a rough stone the intake holds, without any __typename. */
function newOriginReport(reportNumber: string, roughControlNo: string): Record<string, unknown> {
  return {
    report_number: reportNumber,
    report_date: 'March 03, 2021',
    report_date_iso: '2021-03-03',
    report_type: 'Diamond Origin Report',
    report_type_code: 'DOR',
    results: {
      shape_and_cutting_style: 'Round Brilliant',
      measurements: '5.10 - 5.13 x 3.16 mm',
      carat_weight: '0.50 carat',
      color_grade: 'F',
      clarity_grade: 'VS1',
      m2m_rough_data: { rough_control_no: roughControlNo },
      data: {
        measurements: { min_diam: 5.1, max_diam: 5.13, depth: 3.16 },
        weight: { weight: 0.5, weight_unit: 'carat' },
        color_grades: { color_grade_code: 'F' },
        clarity: 'VS1',
      },
    },
    links: { pdf: `${reportNumber}.pdf` },
  };
}

const query = `query ($n: String!) { getReport(report_number: $n) {
  report_number report_type_code
  results { __typename ... on DiamondGradingReportResults {
    country_of_origin
    m2m_rough_data { rough_control_no mine_company mine_name country_of_origin }
    data { measurements { __typename } color_grades { __typename } }
  } }
} }`;

describe('GIA simulator: the lab’s report endpoint', () => {
  it('issues a new report (201) that getReport then serves, with union types inferred and intake data linked', async () => {
    const rough = giaSampleRoughRecords.at(-1)!;
    const issued = await sendJson(
      `${gia.url}/admin/reports`,
      'POST',
      newOriginReport('7300000001', rough.rough_control_no),
      null,
    );
    expect(issued).toEqual({ status: 201, body: { status: 'issued', report_number: '7300000001' } });
    const reply = await postGraphql(gia.url, query, { n: '7300000001' });
    expect(reply.body.data?.getReport).toEqual({
      report_number: '7300000001',
      report_type_code: 'DOR',
      results: {
        __typename: 'DiamondGradingReportResults',
        country_of_origin: null,
        m2m_rough_data: {
          rough_control_no: rough.rough_control_no,
          mine_company: rough.mine_company,
          mine_name: rough.mine_name,
          country_of_origin: rough.country_of_origin,
        },
        data: {
          measurements: { __typename: 'RoundMeasurements' },
          color_grades: { __typename: 'DZColorGrade' },
        },
      },
    });
  });

  it('accepts the per-call fields getReport adds (quota, info_message, assets) and treats the same content as unchanged', async () => {
    const posted = {
      ...structuredClone(giaSampleReports[0]!),
      quota: { remaining: 12 },
      info_message: null,
      assets: [
        {
          asset_type_code: 'REPORT_FACSIMILE_PDF',
          asset_type_description: 'Report facsimile PDF',
          link: 'x',
        },
      ],
    };
    expect(await sendJson(`${gia.url}/admin/reports`, 'POST', posted, null)).toEqual({
      status: 200,
      body: { status: 'unchanged', report_number: '2141438171' },
    });
  });

  it.each([
    [{ report_date: 'x' }, 'report_number', 'is required (String!)'],
    [{ report_number: 'GIA-1' }, 'report_number', 'must be 5 to 12 digits; got "GIA-1"'],
    [
      { report_number: '7300000002', results: { carat_weight: '0.5 carat' } },
      'results.shape_and_cutting_style',
      'is required',
    ],
    [{ report_number: '7300000002', colour: 'E' }, 'colour', 'is not a field of GradingReport'],
    [{ report_number: '7300000002', report_type_code: 'XX' }, 'report_type_code', 'must be one of'],
  ])('refuses a malformed report %j with 400 naming %s', async (patch, field, message) => {
    const body = { ...newOriginReport('7300000002', giaSampleRoughRecords[0]!.rough_control_no), ...patch };
    if (!('report_number' in patch)) delete (body as Partial<GradingReport>).report_number;
    const reply = await sendJson(`${gia.url}/admin/reports`, 'POST', body, null);
    expect(reply.status).toBe(400);
    const problems = (reply.body as { problems: Array<{ field: string; message: string }> }).problems;
    expect(problems).toContainEqual({ field, message: expect.stringContaining(message) as unknown });
  });

  it('refuses a data.measurements value with a field of the wrong type, naming the nested path', async () => {
    const body = newOriginReport('7300000003', giaSampleRoughRecords[0]!.rough_control_no);
    (body.results as { data: { measurements: Record<string, unknown> } }).data.measurements.depth = '3.16';
    const reply = await sendJson(`${gia.url}/admin/reports`, 'POST', body, null);
    expect(reply.body).toMatchObject({
      message: 'results.data.measurements.depth must be a Float; got "3.16"',
    });
  });

  it('refuses a report linked to a rough stone the intake never received', async () => {
    const reply = await sendJson(
      `${gia.url}/admin/reports`,
      'POST',
      newOriginReport('7300000004', 'RCN-XX-00-9999'),
      null,
    );
    expect(reply.status).toBe(400);
    expect((reply.body as { message: string }).message).toContain('results.m2m_rough_data.rough_control_no');
  });

  it('refuses supersedes naming no issued report', async () => {
    const body = newOriginReport('7300000005', giaSampleRoughRecords[0]!.rough_control_no);
    const reply = await sendJson(`${gia.url}/admin/reports?supersedes=1111111111`, 'POST', body, null);
    expect(reply).toMatchObject({ status: 400, body: { problems: [{ field: 'supersedes' }] } });
  });

  it('issues a report withheld from API plans when asked, and getReport answers FORBIDDEN', async () => {
    const body = newOriginReport('7300000006', giaSampleRoughRecords[0]!.rough_control_no);
    await sendJson(`${gia.url}/admin/reports?availability=forbidden`, 'POST', body, null);
    const reply = await postGraphql(gia.url, query, { n: '7300000006' });
    expect(reply.body.errors?.[0]).toMatchObject({ errorType: 'REPORT NOT FOUND', errorInfo: 'FORBIDDEN' });
  });

  it('reports counts in /admin/state and forgets issued reports on /admin/reset', async () => {
    const before = (await sendJson(`${gia.url}/admin/state`, 'GET', undefined, null)).body as {
      reports: number;
    };
    expect(before.reports).toBe(giaSampleReports.length);
    await sendJson(
      `${gia.url}/admin/reports`,
      'POST',
      newOriginReport('7300000007', giaSampleRoughRecords[0]!.rough_control_no),
      null,
    );
    expect((await sendJson(`${gia.url}/admin/state`, 'GET', undefined, null)).body).toMatchObject({
      reports: giaSampleReports.length + 1,
    });
    await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
    expect((await sendJson(`${gia.url}/admin/reports/7300000007`, 'GET', undefined, null)).status).toBe(404);
  });
});
