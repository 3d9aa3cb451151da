/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- query answers are JSON; each test asserts their shape */
/** The EPCIS repository simulator speaks GS1's REST bindings: capture jobs, limits, queries and paging. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEpcisSimulator, type RunningEpcisSimulator } from '../../../sim/epcis/index.js';
import {
  auth,
  capture,
  captureJobs,
  epcisDocument,
  objectEvent,
  postCapture,
  simKey,
  storedEvents,
} from './support.js';

let sim: RunningEpcisSimulator;
beforeAll(async () => {
  sim = await startEpcisSimulator({ apiKey: simKey, captureLimit: 3 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await fetch(`${sim.url}/admin/reset`, { method: 'POST' });
});

const stone = (n: number): string => `https://id.tracebridge.dev/diamond/tb_simtest${n}`;

async function query(params: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${sim.url}/events?${params}`, { headers: auth });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
const eventsOf = (body: any): any[] => body.epcisBody.queryResults.resultsBody.eventList;

describe('EPCIS simulator: capture', () => {
  it('answers 202 with the job Location; the job runs, then reports success and the events are stored', async () => {
    // A repository of its own whose jobs take long enough that "running, nothing stored yet" is seen
    // however loaded the machine is.
    const slow = await startEpcisSimulator({ apiKey: simKey, captureDelayMs: 2_000 });
    try {
      await captureThroughJob(slow.url);
    } finally {
      await slow.close();
    }
  });

  async function captureThroughJob(url: string): Promise<void> {
    const response = await postCapture(
      url,
      epcisDocument([objectEvent(stone(1), { eventID: 'urn:uuid:1' })]),
    );
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toMatch(/^\/capture\/capture-/);
    expect(response.headers.get('gs1-epcis-version')).toBe('2.0.0');
    const first = await (await fetch(`${url}${response.headers.get('location')}`, { headers: auth })).json();
    expect(first).toMatchObject({ running: true, success: true, captureErrorBehaviour: 'rollback' });
    expect(await storedEvents(url)).toEqual([]);
    const job = await capture(url, []);
    expect(job).toMatchObject({ running: false, success: true });
    const stored = await storedEvents(url);
    expect(stored.map((s) => s.event.eventID)).toEqual(['urn:uuid:1']);
    expect(Date.parse(stored[0]!.event.recordTime)).not.toBeNaN();
  }

  it('stores an event whose eventID it already holds once, and its error declaration once beside it', async () => {
    const event = objectEvent(stone(2), { eventID: 'urn:uuid:2' });
    await capture(sim.url, [event]);
    const again = await capture(sim.url, [event, event]);
    expect(again).toMatchObject({ success: true });
    const declaration = {
      ...event,
      errorDeclaration: { declarationTime: '2024-05-02T00:00:00Z', reason: 'incorrect_data' },
    };
    await capture(sim.url, [declaration]);
    await capture(sim.url, [declaration]);
    expect((await storedEvents(sim.url)).map((s) => s.event.errorDeclaration === undefined)).toEqual([
      true,
      false,
    ]);
    expect((await captureJobs(sim.url)).map((job) => job.stored)).toEqual([1, 0, 1, 0]);
  });

  it('announces its limits on OPTIONS /capture and answers 413 with them for a larger capture, storing nothing', async () => {
    const options = await fetch(`${sim.url}/capture`, { method: 'OPTIONS', headers: auth });
    expect(options.status).toBe(204);
    expect(options.headers.get('gs1-epcis-capture-limit')).toBe('3');
    const events = [1, 2, 3, 4].map((n) => objectEvent(stone(n)));
    const response = await postCapture(sim.url, epcisDocument(events));
    expect(response.status).toBe(413);
    expect(response.headers.get('gs1-epcis-capture-limit')).toBe('3');
    expect(await response.json()).toMatchObject({
      type: 'epcisException:CaptureLimitExceededException',
      status: 413,
    });
    expect(await storedEvents(sim.url)).toEqual([]);
  });

  it('refuses a document that is not EPCIS (400 naming the field) and a job with a bad event (rollback: nothing stored)', async () => {
    const notEpcis = await postCapture(sim.url, { type: 'Invoice' });
    expect(notEpcis.status).toBe(400);
    expect(((await notEpcis.json()) as { detail: string }).detail).toContain('/type');
    const job = await capture(sim.url, [
      objectEvent(stone(5)),
      objectEvent(stone(6), { eventTimeZoneOffset: 'UTC' }),
    ]);
    expect(job.success).toBe(false);
    expect(job.errors[0]!.detail).toContain('/epcisBody/eventList/1/eventTimeZoneOffset');
    expect(await storedEvents(sim.url)).toEqual([]);
  });

  it('answers 401 without a key, 403 with a wrong one, 406 to a client that wants no EPCIS 2, 415 for XML', async () => {
    expect((await fetch(`${sim.url}/events`)).status).toBe(401);
    expect((await fetch(`${sim.url}/events`, { headers: { authorization: 'Bearer nope' } })).status).toBe(
      403,
    );
    expect(
      (await fetch(`${sim.url}/events`, { headers: { ...auth, 'GS1-EPCIS-Max': '1.2.0' } })).status,
    ).toBe(406);
    const xml = await fetch(`${sim.url}/capture`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(xml.status).toBe(415);
  });
});

describe('EPCIS simulator: capture jobs', () => {
  it('lists capture jobs newest first, perPage at a time, with the next page in a Link header', async () => {
    for (const n of [1, 2, 3])
      await capture(sim.url, [objectEvent(stone(n), { eventID: `urn:uuid:job${n}` })]);
    const first = await fetch(`${sim.url}/capture?perPage=2`, { headers: auth });
    const newest = (await first.json()) as { captureID: string }[];
    const all = await captureJobs(sim.url);
    expect(newest.map((job) => job.captureID)).toEqual([all[2]!.captureID, all[1]!.captureID]);
    expect(first.headers.get('link')).toMatch(/nextPageToken=2>; rel="next"/);
  });
});

describe('EPCIS simulator: queries', () => {
  it('pages by perPage with the next page in a Link header, and MATCH_anyEPC picks one stone', async () => {
    await capture(sim.url, [objectEvent(stone(1)), objectEvent(stone(2)), objectEvent(stone(1))]);
    await capture(sim.url, [objectEvent(stone(1))]);
    const first = await query(`MATCH_anyEPC=${encodeURIComponent(stone(1))}&perPage=2`);
    expect(first.status).toBe(200);
    expect(first.body.type).toBe('EPCISQueryDocument');
    expect(eventsOf(first.body)).toHaveLength(2);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/rel="next"/);
    const token = new URL(/<([^>]*)>/.exec(link)![1]!, sim.url).searchParams.get('nextPageToken')!;
    const second = await query(`nextPageToken=${token}`);
    expect(eventsOf(second.body)).toHaveLength(1);
    expect(second.headers.get('link')).toBeNull();
    expect([...eventsOf(first.body), ...eventsOf(second.body)].every((e) => e.epcList[0] === stone(1))).toBe(
      true,
    );
  });

  it('GE_recordTime leaves out what was recorded before, and EQ_ILMD_ matches a master-data attribute', async () => {
    await capture(sim.url, [
      objectEvent(stone(1), { action: 'ADD', ilmd: { 'tb:tracrId': 'TRACR-000000000001' } }),
    ]);
    const [earlier] = await storedEvents(sim.url);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await capture(sim.url, [objectEvent(stone(2))]);
    const later = await query(
      `GE_recordTime=${encodeURIComponent(new Date(Date.parse(earlier!.event.recordTime) + 1).toISOString())}`,
    );
    expect(eventsOf(later.body).map((e) => e.epcList[0])).toEqual([stone(2)]);
    const byIlmd = await query('EQ_ILMD_tb:tracrId=TRACR-000000000001');
    expect(eventsOf(byIlmd.body).map((e) => e.epcList[0])).toEqual([stone(1)]);
    expect(byIlmd.body['@context'][1]).toMatchObject({ tb: 'https://ns.tracebridge.dev/epcis/' });
  });

  it('refuses an unknown parameter or a bad date naming it, rather than widening the query', async () => {
    const unknown = await query('MATCH_anyEpc=x');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ type: 'epcisException:QueryParameterException' });
    expect(unknown.body.detail).toContain('MATCH_anyEpc');
    expect((await query('GE_recordTime=yesterday')).body.detail).toContain('GE_recordTime');
  });
});

describe('EPCIS simulator: faults', () => {
  it('a dropped reply still stores the capture; a 503 stores nothing', async () => {
    await fetch(`${sim.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dropResponseRate: 1 }),
    });
    await expect(postCapture(sim.url, epcisDocument([objectEvent(stone(7))]))).rejects.toThrow();
    await fetch(`${sim.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dropResponseRate: 0, errorRate: 1 }),
    });
    expect((await postCapture(sim.url, epcisDocument([objectEvent(stone(8))]))).status).toBe(503);
    await fetch(`${sim.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0 }),
    });
    await capture(sim.url, []);
    expect((await storedEvents(sim.url)).map((s) => s.event.epcList)).toEqual([[stone(7)]]);
  });
});
