/**
 * The GIA simulator for the adapter's tests, and its far side: what landed in the intake, faults, and
 * changes made as the lab makes them (re-issuing a report), never through the adapter.
 */
import { startGiaSimulator, type RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleAvailability, giaSampleReports, giaSampleSupersession } from '../../../sim/gia/samples.js';
import type { GiaRecord, GradingReport } from '../../../src/adapters/gia/index.js';
import type { FarSide } from '../../../src/conformance/index.js';

/** The API key of the test plan. */
export const giaTestKey = 'gia-adapter-test-key';

/** The registry's plan-level figures, read from its admin state (no quota spent). */
export interface PlanState {
  spent: number;
  remaining: number;
  fetchedReports: number;
  pendingChanges: number;
}

/** Starts a GIA simulator on port 0 with the test plan. */
export async function startGia(options: { quota?: number } = {}): Promise<RunningGiaSimulator> {
  return startGiaSimulator({ apiKey: giaTestKey, ...options });
}

/** The test plan's quota and change feed as the registry itself counts them. */
export async function planState(gia: RunningGiaSimulator): Promise<PlanState> {
  const state = (await (await fetch(`${gia.url}/admin/state`)).json()) as { plans: PlanState[] };
  return state.plans[0]!;
}

/** POSTs to a simulator admin route and fails on anything but 2xx. */
export async function admin(gia: RunningGiaSimulator, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${gia.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** A seeded report, as the lab issued it. */
export function sampleReport(reportNumber: string): GradingReport {
  const report = giaSampleReports.find((r) => r.report_number === reportNumber);
  if (!report) throw new Error(`no sample report ${reportNumber}`);
  return structuredClone(report) as GradingReport;
}

/** The lab re-examines a stone and re-issues its report under the same number with a new comment. */
export async function reissue(
  gia: RunningGiaSimulator,
  reportNumber: string,
  comment: string,
): Promise<void> {
  const report = sampleReport(reportNumber);
  report.results = { ...report.results, report_comments: comment };
  await admin(gia, '/admin/reports', report);
}

/** Fetches a report with the plan's key straight over HTTP, as another program of the same plan would. */
export async function fetchAsPlan(gia: RunningGiaSimulator, reportNumber: string): Promise<void> {
  const response = await fetch(`${gia.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: giaTestKey },
    body: JSON.stringify({ query: `{ getReport(report_number: "${reportNumber}") { report_number } }` }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`getReport ${reportNumber}: ${JSON.stringify(body.errors)}`);
}

/**
 * Reports the lab may re-issue in tests: served, not superseded, and not linked to a rough record (whose
 * rough control number finds the intake record, not the report).
 */
export const changeableReports: string[] = giaSampleReports
  .filter((report) => {
    const number = report.report_number;
    const results = report.results as { m2m_rough_data?: unknown };
    return (
      giaSampleAvailability[number] === undefined &&
      number !== giaSampleSupersession.superseded &&
      number !== giaSampleSupersession.by &&
      !results.m2m_rough_data
    );
  })
  .map((report) => report.report_number);

/** The far side of a running simulator for the conformance suite. */
export function giaFarSide(gia: RunningGiaSimulator): FarSide<GiaRecord> {
  let changes = 0;
  return {
    async committedWrites(ref) {
      const writes = (await (await fetch(`${gia.url}/admin/writes`)).json()) as {
        rough_control_no: string;
      }[];
      return writes.filter((write) => ref === undefined || write.rough_control_no === ref).length;
    },
    readNative(ref) {
      const rough = gia.state.intake.records.get(ref);
      const report = gia.state.registry.reports.get(ref)?.report;
      return Promise.resolve(structuredClone((rough ?? report ?? null) as GiaRecord | null));
    },
    async setFaults(faults) {
      await admin(gia, '/admin/faults', faults);
    },
    async makeChange(ref) {
      const number = ref ?? changeableReports[changes % changeableReports.length]!;
      changes += 1;
      // The feed lists only reports the plan fetched before they changed.
      await fetchAsPlan(gia, number);
      await reissue(gia, number, `Re-examined by the lab (${changes}).`);
      return number;
    },
    async reset() {
      await admin(gia, '/admin/reset');
    },
  };
}
