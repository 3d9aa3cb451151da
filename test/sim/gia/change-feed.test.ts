import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GradingReport, RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleReports } from '../../../sim/gia/samples.js';
import { postGraphql, sendJson, startTestGia } from './support.js';

const otherKey = 'gia-second-plan-key';
const changed = `query ($limit: Int, $cursor: String) {
  getChangedReports(limit: $limit, cursor: $cursor) {
    results { report { report_number results { ... on DiamondGradingReportResults { clarity_grade } } } }
    endCursor
  }
}`;

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia({ plans: [{ apiKey: otherKey, quota: 5 }] });
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await fetch(`${gia.url}/admin/reset`, { method: 'POST' });
});

function sample(reportNumber: string): GradingReport {
  return structuredClone(giaSampleReports.find((report) => report.report_number === reportNumber)!);
}

/** Re-grades a report's clarity as the lab would on re-examination, keeping its number. */
async function regrade(reportNumber: string, clarity: string): Promise<void> {
  const report = sample(reportNumber);
  (report.results as { clarity_grade: string }).clarity_grade = clarity;
  const reply = await sendJson(`${gia.url}/admin/reports`, 'POST', report, null);
  expect(reply).toMatchObject({ status: 200, body: { status: 'replaced' } });
}

async function fetchReport(reportNumber: string, key?: string): Promise<void> {
  const query = `{ getReport(report_number: "${reportNumber}") { report_number } }`;
  const reply = await postGraphql(gia.url, query, {}, key);
  expect(reply.body.errors).toBeUndefined();
}

type ChangedPage = { results: Array<{ report: { report_number: string } }>; endCursor: string | null };

async function changedPage(variables: Record<string, unknown>, key?: string): Promise<ChangedPage> {
  const reply = await postGraphql(gia.url, changed, variables, key);
  expect(reply.body.errors).toBeUndefined();
  return (reply.body.data as { getChangedReports: ChangedPage }).getChangedReports;
}

const fetched = ['2141438171', '2141438169', '2215838226'];

describe('GIA simulator: getChangedReports and clearChangedReports', () => {
  it('lists only reports this plan fetched that changed since, in pages, with endCursor null on the last page', async () => {
    for (const number of fetched) await fetchReport(number);
    await regrade('2231676452', 'VS1'); // never fetched: not in the feed
    for (const number of fetched) await regrade(number, 'SI1');

    const first = await changedPage({ limit: 2 });
    expect(first.results.map((r) => r.report.report_number)).toEqual(['2141438171', '2141438169']);
    expect(first.endCursor).toEqual(expect.any(String));
    const second = await changedPage({ limit: 2, cursor: first.endCursor });
    expect(second.results.map((r) => r.report.report_number)).toEqual(['2215838226']);
    expect(second.endCursor).toBeNull();
    expect(second.results[0]?.report).toMatchObject({ results: { clarity_grade: 'SI1' } });
  });

  it('keeps each plan’s feed to the reports that plan fetched', async () => {
    await fetchReport('2141438171');
    await fetchReport('2141438169', otherKey);
    await regrade('2141438171', 'SI1');
    await regrade('2141438169', 'SI1');
    const mine = await changedPage({});
    const theirs = await changedPage({}, otherKey);
    expect(mine.results.map((r) => r.report.report_number)).toEqual(['2141438171']);
    expect(theirs.results.map((r) => r.report.report_number)).toEqual(['2141438169']);
  });

  it('empties the feed on clearChangedReports and fills it again on the next change', async () => {
    await fetchReport('2141438171');
    await regrade('2141438171', 'SI1');
    const cleared = await postGraphql(gia.url, 'mutation { clearChangedReports }');
    expect(cleared.body).toEqual({ data: { clearChangedReports: 'OK' } });
    expect((await changedPage({})).results).toEqual([]);
    await regrade('2141438171', 'SI2');
    expect((await changedPage({})).results.map((r) => r.report.report_number)).toEqual(['2141438171']);
  });

  it('does not spend quota on the change feed', async () => {
    await fetchReport('2141438171', otherKey);
    await regrade('2141438171', 'SI1');
    await changedPage({}, otherKey);
    const quota = await postGraphql(gia.url, '{ getQuota { remaining } }', {}, otherKey);
    expect(quota.body.data).toEqual({ getQuota: { remaining: 4 } });
  });

  it('puts the successor in the feed of a plan that fetched a report the lab then superseded', async () => {
    await fetchReport('2141438169');
    const successor = sample('2141438169');
    successor.report_number = '2141438999';
    const issued = await sendJson(`${gia.url}/admin/reports?supersedes=2141438169`, 'POST', successor, null);
    expect(issued).toMatchObject({ status: 201, body: { status: 'issued', report_number: '2141438999' } });
    expect((await changedPage({})).results.map((r) => r.report.report_number)).toEqual(['2141438999']);
    const isUpdated = await postGraphql(
      gia.url,
      '{ isReportUpdated(report_number: "2141438169", date: "2020-01-01") { report_updated } }',
    );
    expect(isUpdated.body.data).toEqual({ isReportUpdated: { report_updated: true } });
  });

  it('moves a report that changes again to the end of the feed instead of listing it twice', async () => {
    for (const number of fetched) await fetchReport(number);
    for (const number of fetched) await regrade(number, 'SI1');
    const first = await changedPage({ limit: 1 });
    await regrade('2141438171', 'SI2');
    const rest = await changedPage({ limit: 10, cursor: first.endCursor });
    expect(rest.results.map((r) => r.report.report_number)).toEqual([
      '2141438169',
      '2215838226',
      '2141438171',
    ]);
  });

  it('refuses a limit out of range and a cursor it never issued, naming the argument', async () => {
    const badLimit = await postGraphql(gia.url, changed, { limit: 0 });
    expect(badLimit.body.errors?.[0]).toMatchObject({ errorType: 'INVALID ARGUMENT', errorInfo: 'limit' });
    const badCursor = await postGraphql(gia.url, changed, { cursor: 'not-a-cursor' });
    expect(badCursor.body.errors?.[0]).toMatchObject({ errorType: 'INVALID ARGUMENT', errorInfo: 'cursor' });
  });
});
