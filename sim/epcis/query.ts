/**
 * The simple event query over the URI query string (EPCIS 2.0 section 8.2.7, REST bindings `GET /events`):
 * the parameters the repository answers, each checked, and paging by `perPage` and `nextPageToken`. An
 * unknown parameter is refused rather than ignored, so a typo never silently widens a query.
 */
import type { StoredEvent } from './repository.js';

/** A query parameter the repository cannot answer; `parameter` names it. */
export class QueryParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
  }
}

/** A checked query: which events match, and the page asked for. */
export interface EventQuery {
  matches(stored: StoredEvent): boolean;
  perPage: number;
  /** Where the page starts in the matching events, oldest record first. */
  offset: number;
  /** The filter parameters as given, carried by the next page's token. */
  filters: [string, string][];
}

const epcLists = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const;
const paging = new Set(['perPage', 'nextPageToken']);
const ilmdPrefix = 'EQ_ILMD_';

/** Parses the query string (`?...` as express hands it, repeated names refused). */
export function parseEventQuery(
  query: Record<string, unknown>,
  limits: { defaultPerPage: number; maxPerPage: number },
): EventQuery {
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new QueryParameterError(name, 'must be given once');
    return value;
  };
  const token = text('nextPageToken');
  const fromToken = token === undefined ? undefined : readToken(token);
  const filters: [string, string][] =
    fromToken?.filters ??
    Object.keys(query)
      .filter((name) => !paging.has(name))
      .map((name) => [name, text(name)!]);
  const tests = filters.map(([name, value]) => filterOf(name, value));
  const perPageText = text('perPage');
  const perPage =
    perPageText === undefined ? (fromToken?.perPage ?? limits.defaultPerPage) : Number(perPageText);
  if (!Number.isInteger(perPage) || perPage < 1)
    throw new QueryParameterError('perPage', `must be a whole number of 1 or more, got ${perPageText}`);
  return {
    matches: (stored) => tests.every((test) => test(stored)),
    perPage: Math.min(perPage, limits.maxPerPage),
    offset: fromToken?.offset ?? 0,
    filters,
  };
}

/** The token for the page after `offset` + `count` of the same query. */
export function nextPageToken(query: EventQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ f: query.filters, o: offset, p: query.perPage })).toString('base64url');
}

function readToken(token: string): { filters: [string, string][]; offset: number; perPage: number } {
  try {
    const { f, o, p } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      f: [string, string][];
      o: number;
      p: number;
    };
    if (Array.isArray(f) && Number.isInteger(o) && o >= 0 && Number.isInteger(p)) {
      return { filters: f, offset: o, perPage: p };
    }
  } catch {
    // Refused below, as any token this repository did not hand out.
  }
  throw new QueryParameterError('nextPageToken', 'is not a token this repository handed out');
}

function filterOf(name: string, value: string): (stored: StoredEvent) => boolean {
  const list = value.split('|').filter((item) => item !== '');
  if (list.length === 0) throw new QueryParameterError(name, 'must name at least one value');
  switch (name) {
    case 'MATCH_anyEPC':
      return ({ event }) => subjectsOf(event).some((epc) => list.includes(epc));
    case 'EQ_eventID':
      return ({ event }) => list.includes(event.eventID);
    case 'eventType':
      return ({ event }) => list.includes(event.type);
    case 'EQ_bizStep':
      return ({ event }) =>
        typeof event.bizStep === 'string' && list.some((s) => sameStep(s, event.bizStep as string));
    case 'GE_recordTime':
    case 'LT_recordTime':
    case 'GE_eventTime':
    case 'LT_eventTime': {
      const bound = Date.parse(value);
      if (Number.isNaN(bound)) throw new QueryParameterError(name, `must be a date-time, got ${value}`);
      const field = name.endsWith('recordTime') ? 'recordTime' : 'eventTime';
      const before = name.startsWith('LT_');
      return ({ event }) => {
        const time = Date.parse(event[field]);
        return before ? time < bound : time >= bound;
      };
    }
    default:
      if (name.startsWith(ilmdPrefix) && name.length > ilmdPrefix.length) {
        const field = name.slice(ilmdPrefix.length);
        return (stored) => ilmdValues(stored, field).some((v) => list.includes(String(v)));
      }
      throw new QueryParameterError(name, 'is not a query parameter this repository answers');
  }
}

/** Every EPC an event names (MATCH_anyEPC's fields). */
export function subjectsOf(event: Record<string, unknown>): string[] {
  const epcs = epcLists.flatMap((list) => (Array.isArray(event[list]) ? (event[list] as unknown[]) : []));
  if (typeof event.parentID === 'string') epcs.push(event.parentID);
  return epcs.filter((epc): epc is string => typeof epc === 'string');
}

/** ILMD values under `field`, a compact IRI (`tb:tracrId`) matched by the namespace its prefix stands for. */
function ilmdValues({ event, context }: StoredEvent, field: string): unknown[] {
  const ilmd = event.ilmd;
  if (ilmd === null || typeof ilmd !== 'object') return [];
  const wanted = expand(field, context);
  return Object.entries(ilmd as Record<string, unknown>).flatMap(([key, value]) =>
    key === field || expand(key, context) === wanted ? [value] : [],
  );
}

function expand(name: string, context: Record<string, unknown>): string {
  const colon = name.indexOf(':');
  const namespace = colon > 0 ? context[name.slice(0, colon)] : undefined;
  return typeof namespace === 'string' ? `${namespace}${name.slice(colon + 1)}` : name;
}

/** `shipping` matches `https://ref.gs1.org/cbv/BizStep-shipping` and `urn:epcglobal:cbv:bizstep:shipping`. */
function sameStep(a: string, b: string): boolean {
  const short = (step: string): string => /(?:BizStep-|bizstep:)([a-z_]+)$/.exec(step)?.[1] ?? step;
  return short(a) === short(b);
}
