/**
 * Talking to the EPCIS repository simulator as any client of GS1's REST bindings would, never through the
 * bridge: capture a document and wait for its job, query events, read the admin view.
 */
import type { CaptureJob, StoredEvent } from '../../../sim/epcis/index.js';

export const simKey = 'epcis-test-key';
export const auth = { authorization: `Bearer ${simKey}` };
export const tbContext = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { tb: 'https://ns.tracebridge.dev/epcis/', cbvmda: 'urn:epcglobal:cbv:mda:' },
];

/** An ObjectEvent about `epc`, with a fixed time; `extra` adds or overrides members. */
export function objectEvent(epc: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: '2024-05-01T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    epcList: [epc],
    bizStep: 'inspecting',
    ...extra,
  };
}

/** An EPCISDocument with `events`. */
export function epcisDocument(events: Record<string, unknown>[]): Record<string, unknown> {
  return {
    '@context': tbContext,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2024-05-01T10:00:00.000Z',
    epcisBody: { eventList: events },
  };
}

/** `POST /capture`; answers the raw response. */
export async function postCapture(
  url: string,
  document: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/capture`, {
    method: 'POST',
    headers: { 'content-type': 'application/ld+json', ...auth, ...headers },
    body: JSON.stringify(document),
  });
}

/** Captures `events` and waits until their job stops; answers the job. */
export async function capture(url: string, events: Record<string, unknown>[]): Promise<CaptureJob> {
  const response = await postCapture(url, epcisDocument(events));
  if (response.status !== 202)
    throw new Error(`capture answered ${response.status}: ${await response.text()}`);
  const location = response.headers.get('location')!;
  for (;;) {
    const job = (await (await fetch(new URL(location, url), { headers: auth })).json()) as CaptureJob;
    if (!job.running) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What the repository stores, from its admin view (about `epc` only, when given). */
export async function storedEvents(url: string, epc?: string): Promise<StoredEvent[]> {
  const query = epc === undefined ? '' : `?epc=${encodeURIComponent(epc)}`;
  return ((await (await fetch(`${url}/admin/events${query}`)).json()) as { events: StoredEvent[] }).events;
}

/** Every capture job with its counts of events stored and found already held, from the admin view. */
export async function captureJobs(url: string): Promise<CaptureJob[]> {
  return ((await (await fetch(`${url}/admin/captures`)).json()) as { captures: CaptureJob[] }).captures;
}
