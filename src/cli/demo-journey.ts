/**
 * The demo's journey of one stone through three organisations, each act signed on the ledger by its own
 * participant: the producer `kalahari` registers a rough through the bridge, sells it on the ledger to the
 * manufacturer `antwerp` (the ledger's custody moves the stone to it on the bridge), the manufacturer
 * polishes it through the bridge, and the lab grades it at the registry, which the bridge carries to the
 * ledger as the lab. What each step waits for is read back from the platforms, and the ledger's own history
 * says who signed each act.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sandboxParticipantKey } from '../ops/processes.js';
import { keySigner, signWith } from '../adapters/tracr/signing.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { CliIO } from './io.js';

/** Where the journey's parts are. */
export interface JourneyPlaces {
  apiUrl: string;
  tracrUrl: string;
  tracrKey: string;
  giaUrl: string;
  giaKey: string;
  /** Aborted when the demo stops: the journey ends at once instead of waiting out its step. */
  signal: AbortSignal;
}

const ADMIN = 'Bearer demo-admin-key';
/** How long one step may take: the change feeds are pulled every few seconds. */
const STEP_MS = 120_000;

/** Runs the journey, printing each act as the ledger records it; a failure is printed, never thrown. */
export async function showJourney(io: CliIO, places: JourneyPlaces): Promise<void> {
  try {
    await journey(io, places);
  } catch (error) {
    if (places.signal.aborted) return;
    io.stderr.write(`demo journey stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

async function journey(io: CliIO, places: JourneyPlaces): Promise<void> {
  const { apiUrl, signal } = places;
  const until = <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> =>
    waitFor(what, check, signal);
  const api = async (path: string, key: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${String(answer['detail'])}`);
    return answer;
  };
  const stone = async (id: string): Promise<DiamondRecord> =>
    (await api(`/v1/diamonds/${id}`, ADMIN))['record'] as DiamondRecord;
  const onLedger = async (tracrId: string): Promise<LedgerStone> => {
    const response = await fetch(`${places.tracrUrl}/v1/diamonds/${tracrId}`, {
      headers: { authorization: places.tracrKey },
    });
    return (await response.json()) as LedgerStone;
  };

  // Each start's journey has a stone of its own: on a Redis of the user's own, the stone an earlier start
  // took through its journey keeps its reference and its report, and the fresh simulators know neither.
  const started = Date.now();
  const registered = await api('/v1/diamonds', 'Bearer demo-kalahari-key', {
    schemaVersion: '1',
    kind: 'rough',
    identifiers: {
      producerRef: `KAL-JOURNEY-${started.toString(36).toUpperCase()}`,
      kpCertificate: 'BW-KP-2026-004799',
    },
    origin: { country: 'BW', mine: 'Jwaneng', producer: 'Kalahari Mining' },
    rough: { caratWeight: 2.48 },
  });
  const id = String(registered['id']);
  const tracrId = await until(
    'the ledger registers the rough',
    async () => (await stone(id)).identifiers?.tracrId,
  );
  io.stdout.write(`\nJourney of ${id} (${tracrId} on the ledger):\n`);

  // The producer sells the rough on the ledger from its own wallet, as the trade does.
  const seller = keySigner('kalahari-mining', sandboxParticipantKey('kalahari-mining'));
  const envelope = await signWith(
    {
      type: 'TRANSFER',
      participantId: seller.participantId,
      nonce: `demo-journey.${tracrId}.transfer`,
      timestamp: Date.now(),
      payload: { diamondId: tracrId, to: 'antwerp-cutting' },
    },
    seller,
  );
  const sold = await fetch(`${places.tracrUrl}/v1/transactions`, {
    method: 'POST',
    headers: { authorization: places.tracrKey, 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  if (!sold.ok) throw new Error(`the ledger refused the sale: ${sold.status} ${await sold.text()}`);
  const held = await until('the manufacturer holds the stone on the bridge', async () => {
    const record = await stone(id);
    return record.owner?.org === 'antwerp' ? record : undefined;
  });

  const { sources: _sources, ...content } = held;
  await api('/v1/diamonds', 'Bearer demo-cutter-key', {
    ...content,
    kind: 'polished',
    polished: {
      shape: 'round',
      caratWeight: 1.01,
      color: { scale: 'DZ', grade: 'G' },
      clarity: 'VS1',
      cut: 'EX',
      polish: 'EX',
      symmetry: 'EX',
      fluorescence: { intensity: 'NON' },
      measurements: { minDiameterMm: 6.41, maxDiameterMm: 6.45, depthMm: 3.98 },
    },
  });
  await until('the ledger records the polish', async () => (await onLedger(tracrId)).kind === 'POLISHED');

  // The lab issues its report naming the ledger stone; the bridge's plan looks it up, the lab re-issues
  // it with the inscription, and the registry's change feed brings the grade to the bridge.
  const reportNumber = `73${String(started % 100_000_000).padStart(8, '0')}`;
  await labIssues(places.giaUrl, gradingReport(reportNumber, tracrId));
  await fetch(`${places.giaUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: places.giaKey, 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ getReport(report_number: "${reportNumber}") { report_number } }` }),
  });
  await labIssues(places.giaUrl, gradingReport(reportNumber, tracrId, `GIA ${reportNumber}`));
  const graded = await until('the ledger records the grade', async () => {
    const ledger = await onLedger(tracrId);
    return ledger.grading ? ledger : undefined;
  });
  for (const event of graded.events)
    io.stdout.write(`  ${event.type.padEnd(12)} signed by ${event.participantId}\n`);
  io.stdout.write(`  ${apiUrl}/v1/lookup?tracrId=${tracrId}\n`);
}

/** A stone as the ledger serves it: what the journey reads. */
interface LedgerStone {
  kind: string;
  grading: unknown;
  events: { type: string; participantId: string }[];
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  signal: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    signal.throwIfAborted();
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${STEP_MS / 1000} s for ${what}`);
    await sleep(500, undefined, { signal });
  }
}

async function labIssues(giaUrl: string, report: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${giaUrl}/admin/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(report),
  });
  if (!response.ok) throw new Error(`the lab's report was refused: ${response.status}`);
}

/** A GIA grading report for the polished stone, naming its ledger ID. */
function gradingReport(reportNumber: string, tracrId: string, inscription?: string): Record<string, unknown> {
  return {
    report_number: reportNumber,
    report_date: 'March 03, 2026',
    report_date_iso: '2026-03-03',
    report_type: 'Diamond Grading Report',
    report_type_code: 'DG',
    results: {
      shape_and_cutting_style: 'Round Brilliant',
      measurements: '6.41 - 6.45 x 3.98 mm',
      carat_weight: '1.01 carat',
      color_grade: 'H',
      clarity_grade: 'VS1',
      cut_grade: 'Excellent',
      polish: 'Excellent',
      symmetry: 'Excellent',
      fluorescence: 'None',
      ...(inscription === undefined ? {} : { inscriptions: inscription }),
    },
    associated_references: [
      { reference_type_code: 'TRACR', reference_type_description: 'Tracr ID', reference_id: tracrId },
    ],
  };
}
