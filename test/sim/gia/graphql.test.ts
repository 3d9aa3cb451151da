import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleAvailability } from '../../../sim/gia/samples.js';
import { postGraphql, startTestGia, testKey } from './support.js';

const getReport = `query ($n: String!) {
  getReport(report_number: $n) {
    report_number report_date report_type info_message
    results { __typename ... on DiamondGradingReportResults { carat_weight color_grade clarity_grade } }
    quota { remaining }
  }
}`;
const getQuota = '{ getQuota { remaining buckets { id initial remaining expiration_date status } } }';
const [forbiddenReport, inHouseReport] = Object.keys(giaSampleAvailability).sort((a, b) =>
  giaSampleAvailability[a]!.localeCompare(giaSampleAvailability[b]!),
);

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia({ quota: 3 });
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
});

describe('GIA simulator: getReport and getQuota', () => {
  it('returns the report and spends one lookup, visible in quota, getQuota and /admin/state', async () => {
    const reply = await postGraphql(gia.url, getReport, { n: '2141438171' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: {
        getReport: {
          report_number: '2141438171',
          report_date: 'September 01, 2019',
          report_type: 'Diamond Dossier',
          info_message: null,
          results: {
            __typename: 'DiamondGradingReportResults',
            carat_weight: '0.51 carat',
            color_grade: 'E',
            clarity_grade: 'VS2',
          },
          quota: { remaining: 2 },
        },
      },
    });
    const quota = await postGraphql(gia.url, getQuota);
    expect(quota.body.data).toMatchObject({
      getQuota: {
        remaining: 2,
        buckets: [{ id: 'plan-1-bucket-1', initial: 3, remaining: 2, status: 'ACTIVE' }],
      },
    });
    const state = (await (await fetch(`${gia.url}/admin/state`)).json()) as { quotaSpent: number };
    expect(state.quotaSpent).toBe(1);
  });

  it('answers a missing report with HTTP 200, data.getReport null and GIA’s REPORT UNAVAILABLE error, spending nothing', async () => {
    const reply = await postGraphql(gia.url, getReport, { n: '1000000001' });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ getReport: null });
    expect(reply.body.errors).toHaveLength(1);
    const [error] = reply.body.errors!;
    expect(Object.keys(error!)).toEqual(['path', 'data', 'errorType', 'errorInfo', 'locations', 'message']);
    expect(error).toMatchObject({
      path: ['getReport'],
      data: null,
      errorType: 'REPORT UNAVAILABLE',
      errorInfo: 'REPORT NOT FOUND',
      locations: [{ line: 2, column: 3, sourceName: null }],
    });
    expect(error!.message).toMatch(/^This report does not exist or is not available through Report Check\./);
    expect((await postGraphql(gia.url, getQuota)).body.data).toMatchObject({ getQuota: { remaining: 3 } });
  });

  it('answers a report the key may not see with errorType REPORT NOT FOUND and errorInfo FORBIDDEN', async () => {
    const reply = await postGraphql(gia.url, getReport, { n: forbiddenReport });
    expect(giaSampleAvailability[forbiddenReport!]).toBe('forbidden');
    expect(reply.body.errors?.[0]).toMatchObject({ errorType: 'REPORT NOT FOUND', errorInfo: 'FORBIDDEN' });
  });

  it('answers a stone back at the lab with REPORT UNAVAILABLE / REPORT IN HOUSE', async () => {
    const reply = await postGraphql(gia.url, getReport, { n: inHouseReport });
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'REPORT UNAVAILABLE',
      errorInfo: 'REPORT IN HOUSE',
    });
  });

  it('answers QUOTA REACHED once the plan’s lookups are spent, while getQuota stays free', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await postGraphql(gia.url, getReport, { n: '2141438171' })).body.errors).toBeUndefined();
    }
    const reply = await postGraphql(gia.url, getReport, { n: '2141438171' });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ getReport: null });
    expect(reply.body.errors?.[0]).toMatchObject({
      path: ['getReport'],
      errorType: 'QUOTA REACHED',
      errorInfo: 'PLAN QUOTA MET',
      message: 'QuotaUsageLimit',
    });
    const quota = await postGraphql(gia.url, getQuota);
    expect(quota.body.data).toMatchObject({ getQuota: { remaining: 0, buckets: [{ status: 'EXHAUSTED' }] } });
  });

  it('spends one lookup per aliased getReport in one request and reports the quota left after each', async () => {
    const reply = await postGraphql(
      gia.url,
      '{ a: getReport(report_number: "2141438171") { quota { remaining } } b: getReport(report_number: "2141438169") { quota { remaining } } }',
    );
    expect(reply.body.data).toEqual({ a: { quota: { remaining: 2 } }, b: { quota: { remaining: 1 } } });
  });

  it('redirects a superseded report number to its successor and says so in info_message', async () => {
    const reply = await postGraphql(gia.url, getReport, { n: '2207919113' });
    expect(reply.body.data?.getReport).toMatchObject({
      report_number: '2263920000',
      info_message:
        'The report number you requested (2207919113) has been updated to report number 2263920000.',
      results: { clarity_grade: 'VS2' },
    });
  });
});

describe('GIA simulator: transport and authorisation', () => {
  it('refuses a missing or wrong key, or a Bearer-prefixed key, with HTTP 403 and GIA’s body', async () => {
    for (const key of [null, 'wrong-key', `Bearer ${testKey}`]) {
      const reply = await postGraphql(gia.url, getQuota, {}, key);
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual({ message: 'Authorization denied.' });
    }
  });

  it('answers a body that is not JSON with 400 MalformedHttpRequestException', async () => {
    const response = await fetch(`${gia.url}/graphql`, {
      method: 'POST',
      headers: { authorization: testKey, 'content-type': 'application/json' },
      body: '{"query": "{ getQuota { remaining } }"',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        { message: 'Invalid JSON payload in POST request.', errorType: 'MalformedHttpRequestException' },
      ],
    });
  });

  it('answers a query naming an unknown field with data null and a located ValidationError', async () => {
    const reply = await postGraphql(gia.url, '{ getQuota { remaining credit } }');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toBeNull();
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      locations: [{ line: 1, column: 24, sourceName: null }],
    });
    expect(reply.body.errors?.[0]?.message).toContain('credit');
  });

  it('answers a query sent again exactly as it answered it the first time, broken queries included', async () => {
    // Valid documents are parsed once and kept; invalid ones are never kept, so they fail the same way again.
    for (const query of [getQuota, '{ getQuota { remaining credit } }', '{ getQuota { remaining ']) {
      const first = await postGraphql(gia.url, query);
      const again = await postGraphql(gia.url, query);
      expect(again.status).toBe(first.status);
      expect(again.body).toEqual(first.body);
    }
    const syntax = await postGraphql(gia.url, '{ getQuota { remaining ');
    expect(syntax.body.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(syntax.body.errors?.[0]?.message).toContain('Syntax Error');
  });

  it('answers a query without its required variable with a ValidationError naming the variable', async () => {
    const reply = await postGraphql(gia.url, getReport, {});
    expect(reply.body.data).toBeNull();
    expect(reply.body.errors?.[0]?.message).toContain('$n');
  });
});

describe('GIA simulator: isReportUpdated', () => {
  const isUpdated =
    'query ($n: String!, $d: String!) { isReportUpdated(report_number: $n, date: $d) { report_updated date_updated } }';

  it('says a report issued and never changed is not updated, without spending quota', async () => {
    const reply = await postGraphql(gia.url, isUpdated, { n: '2141438171', d: '2019-01-01' });
    expect(reply.body.data).toEqual({ isReportUpdated: { report_updated: false, date_updated: null } });
    expect((await postGraphql(gia.url, getQuota)).body.data).toMatchObject({ getQuota: { remaining: 3 } });
  });

  it('says a superseded report was updated after a date before its supersession, and not after a later date', async () => {
    const before = await postGraphql(gia.url, isUpdated, { n: '2207919113', d: '2021-01-01' });
    expect(before.body.data).toEqual({
      isReportUpdated: { report_updated: true, date_updated: '2021-02-15T00:00:00.000Z' },
    });
    const after = await postGraphql(gia.url, isUpdated, { n: '2207919113', d: '2021-03-01T00:00:00Z' });
    expect(after.body.data).toEqual({ isReportUpdated: { report_updated: false, date_updated: null } });
  });

  it('refuses a date that is not ISO 8601, naming the argument and the value', async () => {
    const reply = await postGraphql(gia.url, isUpdated, { n: '2141438171', d: 'September 01, 2019' });
    expect(reply.body.errors?.[0]).toMatchObject({ errorType: 'INVALID ARGUMENT', errorInfo: 'date' });
    expect(reply.body.errors?.[0]?.message).toContain('"September 01, 2019"');
  });

  it('answers an unknown report number with REPORT NOT FOUND', async () => {
    const reply = await postGraphql(gia.url, isUpdated, { n: '1000000001', d: '2020-01-01' });
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'REPORT UNAVAILABLE',
      errorInfo: 'REPORT NOT FOUND',
    });
  });
});
