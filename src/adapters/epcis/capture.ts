/**
 * Capturing events into an EPCIS 2.0 repository over its REST bindings: `POST /capture` starts a capture
 * job (202 with its `Location`), which is polled until it stops running. A repository announces how many
 * events one capture may carry (`GS1-EPCIS-Capture-Limit` on `OPTIONS /capture`) and refuses a larger one
 * with 413; the events are sent in captures no larger than that, and a 413 splits them further.
 */
import type { AxiosInstance } from 'axios';
import { PlatformError } from './../errors.js';
import { exportContext } from './export.js';
import type { EpcisDocument, EpcisEvent } from './types.js';

/** How captures are sent and waited for. */
export interface CaptureSettings {
  /** Most events per capture when the repository announces no limit. */
  defaultLimit: number;
  pollIntervalMs: number;
  /** How long a capture job may run before the write counts as in doubt. */
  timeoutMs: number;
}

const captureHeaders = {
  'Content-Type': 'application/ld+json',
  'GS1-EPCIS-Version': '2.0.0',
  'GS1-CBV-Version': '2.0.0',
  // All or nothing: a refused event leaves nothing of its capture behind, and the retry sends it all again.
  'GS1-Capture-Error-Behaviour': 'rollback',
};

/** The capture interface's event limit as `OPTIONS /capture` announces it, or undefined when it does not. */
export async function announcedLimit(http: AxiosInstance): Promise<number | undefined> {
  const response = await http.options('/capture', { headers: { 'GS1-EPCIS-Min': '2.0.0' } });
  const limit = Number(response.headers['gs1-epcis-capture-limit']);
  return Number.isInteger(limit) && limit >= 1 ? limit : undefined;
}

/**
 * Captures `events` in as few captures as the repository takes, each waited for until stored. `limit` is
 * the event limit known so far; answers the limit learned on the way (smaller after a 413).
 */
export async function captureEvents(
  http: AxiosInstance,
  events: readonly EpcisEvent[],
  limit: number,
  settings: CaptureSettings,
): Promise<number> {
  let size = Math.max(1, limit);
  for (let start = 0; start < events.length;) {
    const batch = events.slice(start, start + size);
    try {
      await captureOnce(http, batch, settings);
      start += batch.length;
    } catch (error) {
      if (!(error instanceof PlatformError) || error.status !== 413) throw error;
      if (batch.length === 1)
        throw new PlatformError(`the repository refuses even a capture of one event: ${error.message}`, {
          adapter: 'epcis',
          failure: 'unrecoverable',
          status: 413,
        });
      // The limit may have changed since it was read; whatever it says now, this batch was too large.
      const announced = await announcedLimit(http).catch(() => undefined);
      size = Math.min(announced ?? batch.length, Math.ceil(batch.length / 2));
    }
  }
  return size;
}

async function captureOnce(
  http: AxiosInstance,
  events: readonly EpcisEvent[],
  settings: CaptureSettings,
): Promise<void> {
  const document: EpcisDocument = {
    '@context': exportContext,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: [...events] },
  };
  const response = await http.post('/capture', document, { headers: captureHeaders });
  const location = response.headers.location as string | undefined;
  if (response.status !== 202 || location === undefined)
    throw new PlatformError(`POST /capture answered ${response.status} without a capture job Location`, {
      adapter: 'epcis',
      failure: 'retryable',
      ambiguous: true,
    });
  try {
    await awaitJob(http, jobUrl(http, location), settings);
  } catch (error) {
    // The capture was accepted: a job that cannot be followed may still store its events.
    if (error instanceof PlatformError && error.retryable && !error.ambiguous)
      throw new PlatformError(error.message.replace(/^\[epcis\] /, ''), {
        adapter: 'epcis',
        failure: 'retryable',
        ambiguous: true,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        cause: error,
      });
    throw error;
  }
}

/**
 * Waits until no capture job the repository lists is running, so that what a read finds includes a
 * capture whose reply was lost (its job still storing): a write then never repeats or contradicts it.
 */
export async function settleCaptures(http: AxiosInstance, settings: CaptureSettings): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs;
  for (;;) {
    // The newest jobs come first: a capture whose reply was just lost is among them.
    const jobs = (
      await http.get<CaptureJob[]>('/capture', {
        params: { perPage: 50 },
        headers: { 'GS1-EPCIS-Min': '2.0.0' },
      })
    ).data;
    if (!Array.isArray(jobs) || !jobs.some((job) => job.running === true)) return;
    if (Date.now() > deadline)
      throw new PlatformError(`capture jobs still running after ${settings.timeoutMs} ms`, {
        adapter: 'epcis',
        failure: 'retryable',
      });
    await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalMs));
  }
}

/** The capture job's URL: the Location as given when absolute, else resolved against the capture URL. */
function jobUrl(http: AxiosInstance, location: string): string {
  const base = `${(http.defaults.baseURL ?? '').replace(/\/$/, '')}/capture`;
  return /^https?:\/\//.test(location) || !/^https?:\/\//.test(base)
    ? location
    : new URL(location, base).toString();
}

interface CaptureJob {
  running?: boolean;
  success?: boolean;
  errors?: { title?: string; detail?: string }[];
}

/** Polls the job until it stops; a job that ends without success failed as a whole (rollback). */
async function awaitJob(http: AxiosInstance, url: string, settings: CaptureSettings): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs;
  for (;;) {
    const job = (await http.get<CaptureJob>(url)).data;
    if (job.running === false) {
      if (job.success === true) return;
      const reasons = (job.errors ?? []).map((e) => e.detail ?? e.title ?? 'no detail').join('; ');
      throw new PlatformError(`capture job ${url} was refused: ${reasons || 'no reason given'}`, {
        adapter: 'epcis',
        failure: 'unrecoverable',
      });
    }
    if (Date.now() > deadline)
      throw new PlatformError(`capture job ${url} still running after ${settings.timeoutMs} ms`, {
        adapter: 'epcis',
        failure: 'retryable',
        ambiguous: true,
      });
    await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalMs));
  }
}
