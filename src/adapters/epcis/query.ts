/**
 * The simple event query of an EPCIS 2.0 repository over its REST bindings (`GET /events`): one page at a
 * time, the next one named by the `nextPageToken` in the answer's `Link` header.
 */
import type { AxiosInstance } from 'axios';
import { PlatformError } from '../errors.js';
import type { EpcisContext, EpcisEvent, EpcisQueryDocument } from './types.js';
import { gs1EpcisContext } from './vocab.js';

/** The headers every query sends: EPCIS 2.0, EPCs as they were captured. */
export const queryHeaders = {
  Accept: 'application/ld+json, application/json',
  'GS1-EPCIS-Min': '2.0.0',
  'GS1-EPCIS-Max': '2.0.0',
  'GS1-EPC-Format': 'Never_Translates',
};

/** One page of a query's answer. */
export interface EventPage {
  events: EpcisEvent[];
  context: EpcisContext;
  /** The token of the next page; absent on the last. */
  nextPageToken?: string;
}

/** Asks for one page: query parameters (`MATCH_anyEPC`, `GE_recordTime`, ...) or a `nextPageToken`. */
export async function queryPage(
  http: AxiosInstance,
  params: Record<string, string | number>,
): Promise<EventPage> {
  const response = await http.get<EpcisQueryDocument>('/events', { params, headers: queryHeaders });
  const document = response.data;
  const events = document?.epcisBody?.queryResults?.resultsBody?.eventList;
  if (!Array.isArray(events))
    throw new PlatformError('GET /events answered no epcisBody.queryResults.resultsBody.eventList', {
      adapter: 'epcis',
      failure: 'unrecoverable',
    });
  const token = nextPageTokenOf(response.headers.link as string | undefined);
  return {
    events,
    context: document['@context'] ?? gs1EpcisContext,
    ...(token ? { nextPageToken: token } : {}),
  };
}

/** Every event a query matches, page after page, as one query document. */
export async function queryAll(
  http: AxiosInstance,
  params: Record<string, string>,
  perPage: number,
): Promise<EpcisQueryDocument> {
  const events: EpcisEvent[] = [];
  const contexts: EpcisContext[] = [];
  let page = await queryPage(http, { ...params, perPage });
  for (;;) {
    events.push(...page.events);
    contexts.push(page.context);
    if (page.nextPageToken === undefined) break;
    page = await queryPage(http, { nextPageToken: page.nextPageToken, perPage });
  }
  return queryDocument(events, mergeContexts(contexts));
}

/** Events as the query document a repository answers with. */
export function queryDocument(events: EpcisEvent[], context: EpcisContext): EpcisQueryDocument {
  return {
    '@context': context,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: events } } },
  };
}

/** `<...?nextPageToken=abc>; rel="next"` -> `abc`. */
function nextPageTokenOf(link: string | undefined): string | undefined {
  const next = link?.split(',').find((part) => /;\s*rel="?next"?/.test(part));
  const target = next === undefined ? undefined : /<([^>]*)>/.exec(next)?.[1];
  if (target === undefined) return undefined;
  return new URL(target, 'http://link.invalid').searchParams.get('nextPageToken') ?? undefined;
}

/** The pages' contexts as one: GS1's, then every prefix any page defined. */
function mergeContexts(contexts: readonly EpcisContext[]): EpcisContext {
  const prefixes: Record<string, unknown> = {};
  for (const context of contexts)
    for (const part of Array.isArray(context) ? context : [context])
      if (typeof part === 'object') Object.assign(prefixes, part);
  return Object.keys(prefixes).length > 0 ? [gs1EpcisContext, prefixes] : gs1EpcisContext;
}
