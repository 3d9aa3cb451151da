/**
 * Acting on the simulators as the trade would, never through the bridge: sample participants sign ledger
 * transactions with the simulator's own helpers, the lab issues and re-issues GIA reports, and a program
 * on the bridge's GIA plan looks reports up (which is what puts them on that plan's change feed).
 */
import { participantKeyFromSeed, signTransaction } from '../../sim/tracr/index.js';

let nonces = 0;

/** Submits one transaction signed by sample participant `participantId`, cuts a block, and answers its stones. */
export async function signAndCommit(
  tracr: { url: string; apiKey: string },
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
): Promise<{ diamondId: string; diamondIds: string[] }> {
  const tx = {
    type,
    participantId,
    nonce: `test-${process.pid}-${++nonces}`,
    timestamp: Date.now(),
    payload,
  };
  const signature = signTransaction(tx, participantKeyFromSeed(`tracr-sim:${participantId}`).privateKey);
  const response = await fetch(`${tracr.url}/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: tracr.apiKey },
    body: JSON.stringify({ tx, signature }),
  });
  const body = (await response.json()) as { diamondId: string; diamondIds: string[] };
  if (!response.ok)
    throw new Error(`${type} by ${participantId} answered ${response.status}: ${JSON.stringify(body)}`);
  await fetch(`${tracr.url}/admin/blocks`, { method: 'POST' });
  return body;
}

/** A stone as the ledger serves it (the fields the tests read). */
export interface LedgerStone {
  diamondId: string;
  kind: string;
  owner: { participantId: string; org: string };
  assurance: string;
  inscription: string | null;
  grading: { lab: string; reportNumber: string; reportDate: string; reportType?: string } | null;
  events: { type: string; participantId?: string }[];
}

/** Reads a stone from the ledger. */
export async function ledgerStone(
  tracr: { url: string; apiKey: string },
  diamondId: string,
): Promise<LedgerStone> {
  const response = await fetch(`${tracr.url}/v1/diamonds/${diamondId}`, {
    headers: { authorization: tracr.apiKey },
  });
  if (!response.ok) throw new Error(`GET ${diamondId} answered ${response.status}`);
  return (await response.json()) as LedgerStone;
}

/** The polished stone the ledger tests cut: a 0.50 ct round, F, VS1, triple Excellent, no fluorescence. */
export const roundPolish = {
  shape: 'ROUND',
  caratWeight: 0.5,
  colour: 'F',
  clarity: 'VS1',
  cut: 'EXCELLENT',
  polish: 'EXCELLENT',
  symmetry: 'EXCELLENT',
  fluorescence: { intensity: 'NONE' },
  measurements: { lengthMm: 5.13, widthMm: 5.1, depthMm: 3.16 },
} as const;

/** Options of {@link gradingReport}. */
export interface ReportOptions {
  reportNumber: string;
  /** The Tracr ID the lab records in `associated_references`. */
  tracrId?: string;
  inscription?: string;
  comment?: string;
  /** Printed carat weight; default the {@link roundPolish} stone's "0.50 carat". */
  caratWeight?: string;
}

/** A GIA grading report (GIA's field names) for the {@link roundPolish} stone. */
export function gradingReport(options: ReportOptions): Record<string, unknown> {
  const { reportNumber } = options;
  return {
    report_number: reportNumber,
    report_date: 'March 03, 2021',
    report_date_iso: '2021-03-03',
    report_type: 'Diamond Grading Report',
    report_type_code: 'DG',
    results: {
      shape_and_cutting_style: 'Round Brilliant',
      measurements: '5.10 - 5.13 x 3.16 mm',
      carat_weight: options.caratWeight ?? '0.50 carat',
      color_grade: 'F',
      clarity_grade: 'VS1',
      cut_grade: 'Excellent',
      polish: 'Excellent',
      symmetry: 'Excellent',
      fluorescence: 'None',
      ...(options.inscription === undefined ? {} : { inscriptions: options.inscription }),
      ...(options.comment === undefined ? {} : { report_comments: options.comment }),
    },
    ...(options.tracrId === undefined
      ? {}
      : {
          associated_references: [
            {
              reference_type_code: 'TRACR',
              reference_type_description: 'Tracr ID',
              reference_id: options.tracrId,
            },
          ],
        }),
  };
}

/** The lab issues the report, or replaces the report with that number. */
export async function labIssues(giaUrl: string, report: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${giaUrl}/admin/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(report),
  });
  if (!response.ok) throw new Error(`the lab's report answered ${response.status}: ${await response.text()}`);
}

/** Looks reports up on the plan of `apiKey`, 50 to a query: the plan's feed then reports their changes. */
export async function lookUpOnPlan(
  giaUrl: string,
  apiKey: string,
  reportNumbers: readonly string[],
): Promise<void> {
  for (let start = 0; start < reportNumbers.length; start += 50) {
    const batch = reportNumbers.slice(start, start + 50);
    const fields = batch.map((n, i) => `r${i}: getReport(report_number: "${n}") { report_number }`).join(' ');
    const response = await fetch(`${giaUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: apiKey },
      body: JSON.stringify({ query: `{ ${fields} }` }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`looking reports up: ${JSON.stringify(body.errors)}`);
  }
}
