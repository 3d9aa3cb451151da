/**
 * The REST bindings the repository serves (GS1 `rest-bindings-openapi.yaml`): capture as an asynchronous
 * job (`POST /capture`, `GET /capture/{captureID}`), the capture interface's limits announced by
 * `OPTIONS /capture` and enforced with 413, and the simple event query (`GET /events`) paged by
 * `perPage` and `nextPageToken` with the next page in a `Link` header. Errors are RFC 7807 problems with
 * GS1's exception types.
 */
import express, { type Request, type Response, type Router } from 'express';
import { nextPageToken, parseEventQuery, QueryParameterError, type EventQuery } from './query.js';
import type { CapturedEvent, EventRepository, Problem } from './repository.js';

/** What the capture interface takes; announced by `OPTIONS /capture`. */
export interface CaptureLimits {
  /** Most events one capture may carry (`GS1-EPCIS-Capture-Limit`). */
  events: number;
  /** Most bytes one capture may carry (`GS1-EPCIS-Capture-File-Size-Limit`). */
  bytes: number;
  /** How long a capture job runs before its events are stored, in milliseconds. */
  delayMs: number;
}

const epcisVersion = '2.0.0';
const cbvVersion = '2.0.0';
const gs1Context = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const eventTypes = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);
const withAction = new Set(['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'AssociationEvent']);

/** Sends an RFC 7807 problem. */
export function problem(res: Response, status: number, type: string, title: string, detail?: string): void {
  const body: Problem = { type: `epcisException:${type}`, title, status, ...(detail ? { detail } : {}) };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

/** Refuses a client whose version range excludes EPCIS 2.0 (406), and names the version on every answer. */
export function versionHeaders(req: Request, res: Response, next: () => void): void {
  res.set({ 'GS1-EPCIS-Version': epcisVersion, 'GS1-CBV-Version': cbvVersion });
  const asked = req.get('GS1-EPCIS-Version');
  const min = req.get('GS1-EPCIS-Min');
  const max = req.get('GS1-EPCIS-Max');
  const major = (version: string): number => Number(version.split('.')[0]);
  if (
    (asked !== undefined && major(asked) !== 2) ||
    (min !== undefined && major(min) > 2) ||
    (max !== undefined && major(max) < 2)
  ) {
    problem(
      res,
      406,
      'NotAcceptableException',
      'Unsupported EPCIS version',
      `this repository speaks EPCIS ${epcisVersion}`,
    );
    return;
  }
  next();
}

/** The capture interface and the event query. */
export function repositoryRoutes(
  repository: EventRepository,
  limits: CaptureLimits,
  maxPerPage: number,
): Router {
  const router = express.Router();
  router.use(versionHeaders);
  router.options('/capture', (_req, res) => {
    res
      .status(204)
      .set({
        Allow: 'OPTIONS, POST, GET',
        'GS1-EPCIS-Min': epcisVersion,
        'GS1-EPCIS-Max': epcisVersion,
        'GS1-EPCIS-Capture-Limit': String(limits.events),
        'GS1-EPCIS-Capture-File-Size-Limit': String(limits.bytes),
        'GS1-Capture-Error-Behaviour': 'rollback, proceed',
      })
      .end();
  });
  router.post('/capture', (req, res) => capture(repository, limits, req, res));
  // Newest first, `perPage` at a time (default 30): a client looking for running jobs reads one page.
  router.get('/capture', (req, res) => {
    const perPage = req.query.perPage === undefined ? 30 : Number(req.query.perPage);
    const offset = req.query.nextPageToken === undefined ? 0 : Number(req.query.nextPageToken);
    if (!Number.isInteger(perPage) || perPage < 1 || !Number.isInteger(offset) || offset < 0)
      return problem(
        res,
        400,
        'QueryParameterException',
        'Invalid query parameter',
        'perPage or nextPageToken',
      );
    const jobs = repository.jobList().reverse();
    if (offset + perPage < jobs.length)
      res.set('Link', `</capture?perPage=${perPage}&nextPageToken=${offset + perPage}>; rel="next"`);
    res.json(jobs.slice(offset, offset + perPage).map(publicJob));
  });
  router.get('/capture/:captureID', (req, res) => {
    const job = repository.job(String(req.params.captureID));
    if (!job)
      return problem(
        res,
        404,
        'NoSuchResourceException',
        'Capture job not found',
        String(req.params.captureID),
      );
    res.json(publicJob(job));
  });
  router.get('/events', (req, res) => answerQuery(repository, req, res, maxPerPage));
  router.get('/events/:eventID', (req, res) =>
    answerQuery(repository, req, res, maxPerPage, { EQ_eventID: String(req.params.eventID) }),
  );
  return router;
}

async function capture(
  repository: EventRepository,
  limits: CaptureLimits,
  req: Request,
  res: Response,
): Promise<void> {
  if (!req.is(['application/json', 'application/ld+json']))
    return problem(
      res,
      415,
      'UnsupportedMediaTypeException',
      'Unsupported media type',
      'send application/ld+json or application/json',
    );
  const behaviour = req.get('GS1-Capture-Error-Behaviour') ?? 'rollback';
  if (behaviour !== 'rollback' && behaviour !== 'proceed')
    return problem(
      res,
      400,
      'ValidationException',
      'Invalid header',
      `GS1-Capture-Error-Behaviour must be rollback or proceed, got ${behaviour}`,
    );
  const text = await readBody(req, limits.bytes);
  if (text === undefined) return tooLarge(res, limits, `the document exceeds ${limits.bytes} bytes`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return problem(res, 400, 'ValidationException', 'Not JSON', (error as Error).message);
  }
  const read = eventsOf(document);
  if (typeof read === 'string')
    return problem(res, 400, 'ValidationException', 'Not an EPCIS document', read);
  if (read.events.length > limits.events)
    return tooLarge(res, limits, `${read.events.length} events exceed the capture limit of ${limits.events}`);
  const job = repository.open(behaviour);
  setTimeout(
    () =>
      repository.finish(job.captureID, read.events, read.context, (event, index) =>
        eventProblem(event, `${read.pointer}/${index}`),
      ),
    limits.delayMs,
  );
  res.status(202).location(`/capture/${job.captureID}`).end();
}

function tooLarge(res: Response, limits: CaptureLimits, detail: string): void {
  res.set({
    'GS1-EPCIS-Capture-Limit': String(limits.events),
    'GS1-EPCIS-Capture-File-Size-Limit': String(limits.bytes),
  });
  problem(res, 413, 'CaptureLimitExceededException', 'Capture Payload too large', detail);
}

/** The body as text, or undefined once it passes `limit` bytes. */
async function readBody(req: Request, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The events of an EPCISDocument or EPCISQueryDocument and the prefixes it declares, or what is wrong. */
function eventsOf(
  document: unknown,
): { events: CapturedEvent[]; context: Record<string, unknown>; pointer: string } | string {
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return '/: must be a JSON object';
  const doc = document as Record<string, unknown>;
  const body = doc.epcisBody as Record<string, unknown> | undefined;
  let list: unknown;
  let pointer: string;
  if (doc.type === 'EPCISDocument') {
    list = body?.eventList;
    pointer = '/epcisBody/eventList';
  } else if (doc.type === 'EPCISQueryDocument') {
    const results = (body?.queryResults as Record<string, unknown> | undefined)?.resultsBody as
      Record<string, unknown> | undefined;
    list = results?.eventList;
    pointer = '/epcisBody/queryResults/resultsBody/eventList';
  } else return `/type: must be EPCISDocument or EPCISQueryDocument, got ${JSON.stringify(doc.type)}`;
  if (!Array.isArray(list) || !list.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)))
    return `${pointer}: must be a list of events`;
  const contexts: unknown[] = Array.isArray(doc['@context']) ? doc['@context'] : [doc['@context']];
  const context = Object.assign({}, ...contexts.filter((c) => c !== null && typeof c === 'object')) as Record<
    string,
    unknown
  >;
  return { events: list as CapturedEvent[], context, pointer };
}

/** What makes one event uncapturable (EPCIS 2.0 section 7.4: the members every event has), or nothing. */
function eventProblem(event: CapturedEvent, pointer: string): Problem | undefined {
  const fail = (member: string, expected: string): Problem => ({
    type: 'epcisException:ValidationException',
    title: 'Invalid event',
    status: 400,
    detail: `${pointer}/${member}: ${expected}, got ${JSON.stringify(event[member]) ?? 'nothing'}`,
  });
  if (
    typeof event.type !== 'string' ||
    !(eventTypes.has(event.type) || /^[a-z][a-z0-9+.-]*:/i.test(event.type))
  )
    return fail('type', 'an EPCIS event type');
  if (typeof event.eventTime !== 'string' || Number.isNaN(Date.parse(event.eventTime)))
    return fail('eventTime', 'a date-time');
  if (typeof event.eventTimeZoneOffset !== 'string' || !/^[+-]\d\d:\d\d$/.test(event.eventTimeZoneOffset))
    return fail('eventTimeZoneOffset', 'an offset such as +02:00');
  if (withAction.has(event.type) && !['ADD', 'OBSERVE', 'DELETE'].includes(event.action as string))
    return fail('action', 'ADD, OBSERVE or DELETE');
  if (
    event.eventID !== undefined &&
    (typeof event.eventID !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(event.eventID))
  )
    return fail('eventID', 'a URI');
  return undefined;
}

function answerQuery(
  repository: EventRepository,
  req: Request,
  res: Response,
  maxPerPage: number,
  fixed: Record<string, string> = {},
): void {
  let query: EventQuery;
  try {
    query = parseEventQuery(
      { ...(req.query as Record<string, unknown>), ...fixed },
      { defaultPerPage: 30, maxPerPage },
    );
  } catch (error) {
    if (!(error instanceof QueryParameterError)) throw error;
    return problem(res, 400, 'QueryParameterException', 'Invalid query parameter', error.message);
  }
  const matching = repository.all().filter((stored) => query.matches(stored));
  const page = matching.slice(query.offset, query.offset + query.perPage);
  const end = query.offset + page.length;
  if (end < matching.length) {
    const token = nextPageToken(query, end);
    const next = `${req.baseUrl}${req.path}?perPage=${query.perPage}&nextPageToken=${token}`;
    res.set({
      Link: `<${next}>; rel="next"`,
      'GS1-Next-Page-Token-Expires': new Date(Date.now() + 10 * 60_000).toISOString(),
    });
  }
  const context = Object.assign({}, ...page.map((stored) => stored.context)) as Record<string, unknown>;
  res.type('application/ld+json').send(
    JSON.stringify({
      '@context': Object.keys(context).length > 0 ? [gs1Context, context] : gs1Context,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: new Date().toISOString(),
      epcisBody: {
        queryResults: {
          queryName: 'SimpleEventQuery',
          resultsBody: { eventList: page.map((stored) => stored.event) },
        },
      },
    }),
  );
}

/** A capture job as the bindings define it, without the admin view's counts. */
function publicJob(job: ReturnType<EventRepository['jobList']>[number]): Record<string, unknown> {
  const { stored: _stored, duplicates: _duplicates, ...wire } = job;
  return wire;
}
