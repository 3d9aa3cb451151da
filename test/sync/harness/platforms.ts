/**
 * The platforms as the test sees them: their own admin and read routes (the ledger's chain, the registry's
 * intake), never the bridge's view, and acts of other participants through the platforms' own APIs (a
 * transfer or a split signed on the ledger, a lab issuing a report).
 */
import { randomUUID } from 'node:crypto';
import { participantKeyFromSeed, signTransaction } from '../../../sim/tracr/index.js';
import { keys } from './world.js';

/** The simulator faults of DESIGN.md section 2. */
export interface Faults {
  latencyMs?: number;
  errorRate?: number;
  rateLimitPerSec?: number;
  dropResponseRate?: number;
}

/** JSON over HTTP; answers the status and the parsed body (null when there is none). */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: { ...headers }, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** Sets faults on a simulator (admin routes are exempt from them). */
export async function setFaults(simUrl: string, faults: Faults): Promise<void> {
  const { status, body } = await http('POST', `${simUrl}/admin/faults`, faults);
  if (status !== 200)
    throw new Error(`setting faults ${JSON.stringify(faults)}: ${status} ${JSON.stringify(body)}`);
}

/** Clears every fault of a simulator. */
export function clearFaults(simUrl: string): Promise<void> {
  return setFaults(simUrl, { latencyMs: 0, errorRate: 0, rateLimitPerSec: 0, dropResponseRate: 0 });
}

/** A stone as the ledger serves it (the fields the test compares). */
export interface LedgerStone {
  diamondId: string;
  kind: 'ROUGH' | 'POLISHED';
  parentId: string | null;
  childIds: string[];
  owner: { participantId: string; org: string };
  sourceCountry: string;
  mine: string | null;
  producerRef: string | null;
  kpCertificate: string | null;
  caratWeight: number;
}

/** One committed transaction read off the chain. */
export interface ChainTransaction {
  txId: string;
  type: string;
  participantId: string;
  diamondIds: string[];
  blockHeight: number;
}

const ledgerAuth = { authorization: keys.tracr };

/** The ledger's head height. */
export async function ledgerHead(tracrUrl: string): Promise<number> {
  const { body } = await http('GET', `${tracrUrl}/admin/state`);
  return (body as { headHeight: number }).headHeight;
}

/** How many transactions wait for a block. */
export async function ledgerPending(tracrUrl: string): Promise<number> {
  const { body } = await http('GET', `${tracrUrl}/admin/state`);
  return (body as { pendingTransactions: number }).pendingTransactions;
}

/** The ledger's committed state of one stone, or null. */
export async function ledgerStone(tracrUrl: string, diamondId: string): Promise<LedgerStone | null> {
  const { status, body } = await http('GET', `${tracrUrl}/v1/diamonds/${diamondId}`, undefined, ledgerAuth);
  if (status === 404) return null;
  if (status !== 200)
    throw new Error(`reading ${diamondId} off the ledger: ${status} ${JSON.stringify(body)}`);
  return body as LedgerStone;
}

/** Every transaction committed in blocks above `aboveHeight`, read block by block off the chain. */
export async function chainSince(tracrUrl: string, aboveHeight: number): Promise<ChainTransaction[]> {
  const txIds: Array<{ txId: string; height: number }> = [];
  let cursor: string | null = String(aboveHeight + 1);
  while (cursor !== null) {
    const { status, body } = await http(
      'GET',
      `${tracrUrl}/v1/blocks?cursor=${cursor}&limit=500`,
      undefined,
      ledgerAuth,
    );
    if (status !== 200) throw new Error(`reading blocks: ${status} ${JSON.stringify(body)}`);
    const page = body as { items: Array<{ height: number; txIds: string[] }>; nextCursor: string | null };
    for (const block of page.items)
      for (const txId of block.txIds) txIds.push({ txId, height: block.height });
    cursor = page.nextCursor;
  }
  return Promise.all(
    txIds.map(async ({ txId, height }) => {
      const { body } = await http('GET', `${tracrUrl}/v1/transactions/${txId}`, undefined, ledgerAuth);
      const tx = body as { tx: { type: string; participantId: string }; diamondIds: string[] };
      return {
        txId,
        type: tx.tx.type,
        participantId: tx.tx.participantId,
        diamondIds: tx.diamondIds,
        blockHeight: height,
      };
    }),
  );
}

/**
 * Signs and submits one transaction as the sample participant `participantId` (whose key anyone derives in
 * the sandbox), then has the ledger cut a block, so the act is final when this returns.
 */
export async function actOnLedger(
  tracrUrl: string,
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  const tx = { type, participantId, nonce: `model-${randomUUID()}`, timestamp: Date.now(), payload };
  const signature = signTransaction(tx, participantKeyFromSeed(`tracr-sim:${participantId}`).privateKey);
  const answer = await http('POST', `${tracrUrl}/v1/transactions`, { tx, signature }, ledgerAuth);
  await http('POST', `${tracrUrl}/admin/blocks`);
  return answer;
}

/** A rough record in the registry's Mine-to-Market intake. */
export interface IntakeRecord {
  rough_control_no: string;
  mine_company?: string;
  mine_name?: string;
  country_of_origin: string;
  rough_weight_carats: number | string;
  kp_certificate?: string;
  producer_ref?: string;
}

/** The intake's record under `roughControlNo`, read as the registry holds it, or null. */
export async function intakeRecord(giaUrl: string, roughControlNo: string): Promise<IntakeRecord | null> {
  const { status, body } = await http(
    'GET',
    `${giaUrl}/m2m/v1/rough/${encodeURIComponent(roughControlNo)}`,
    undefined,
    {
      authorization: keys.gia,
    },
  );
  if (status === 404) return null;
  if (status !== 200) throw new Error(`reading intake ${roughControlNo}: ${status} ${JSON.stringify(body)}`);
  return body as IntakeRecord;
}

/** Every committed intake write, in order. */
export async function intakeWrites(
  giaUrl: string,
): Promise<Array<{ seq: number; op: 'create' | 'update'; rough_control_no: string }>> {
  const { body } = await http('GET', `${giaUrl}/admin/writes`);
  return body as Array<{ seq: number; op: 'create' | 'update'; rough_control_no: string }>;
}

/** Changes in the registry's change feeds that no plan has cleared yet. */
export async function registryPendingChanges(giaUrl: string): Promise<number> {
  const { body } = await http('GET', `${giaUrl}/admin/state`);
  const plans = (body as { plans: Array<{ pendingChanges: number }> }).plans;
  return plans.reduce((sum, plan) => sum + plan.pendingChanges, 0);
}

/** The lab issues (or replaces) a Diamond Origin Report of a stone cut from the rough `roughControlNo`. */
export async function labIssues(
  giaUrl: string,
  reportNumber: string,
  roughControlNo: string,
  colorGrade: string,
): Promise<void> {
  const report = {
    report_number: reportNumber,
    report_date: 'March 03, 2021',
    report_date_iso: '2021-03-03',
    report_type: 'Diamond Origin Report',
    report_type_code: 'DOR',
    results: {
      shape_and_cutting_style: 'Round Brilliant',
      measurements: '5.10 - 5.13 x 3.16 mm',
      carat_weight: '0.50 carat',
      color_grade: colorGrade,
      clarity_grade: 'VS1',
      m2m_rough_data: { rough_control_no: roughControlNo },
      data: {
        measurements: { min_diam: 5.1, max_diam: 5.13, depth: 3.16 },
        weight: { weight: 0.5, weight_unit: 'carat' },
        color_grades: { color_grade_code: colorGrade },
        clarity: 'VS1',
      },
    },
    links: { pdf: `${reportNumber}.pdf` },
  };
  const { status, body } = await http('POST', `${giaUrl}/admin/reports`, report);
  if (status !== 200 && status !== 201)
    throw new Error(`the lab could not issue ${reportNumber}: ${status} ${JSON.stringify(body)}`);
}
