/**
 * The CBV 2.0 event hash of every event in an EPCIS 2.0 JSON-LD document, in document order: an
 * `EPCISDocument` (`epcisBody.eventList`, or a single `epcisBody.event`) or an `EPCISQueryDocument`
 * (`epcisBody.queryResults.resultsBody.eventList`). The document's `@context` and its `ignoreFields`
 * convention (on the document, its body or its query results) apply to every event.
 */
import { eventHash, preHashString, type PreHashOptions } from './event-hash.js';
import { ignoreFieldsOf } from './hash-namespaces.js';
import { asRecord } from './hash-values.js';
import type { EpcisContext, EpcisEvent } from './types.js';

/** One event's pre-hash string and hash. */
export interface EventHashEntry {
  preHash: string;
  hash: string;
}

/** The input is not an EPCIS 2.0 document; the message names what is missing or wrong. */
export class NotAnEpcisDocument extends Error {
  override readonly name = 'NotAnEpcisDocument';
}

const documentTypes = ['EPCISDocument', 'EPCISQueryDocument'];

/** Every event of `document` with its pre-hash and hash, in document order. */
export function documentEventHashes(document: unknown): EventHashEntry[] {
  const { events, context, options } = readDocument(document);
  return events.map((event) => ({
    preHash: preHashString(event, context, options),
    hash: eventHash(event, context, options),
  }));
}

interface HashableDocument {
  events: EpcisEvent[];
  context: EpcisContext | undefined;
  options: PreHashOptions;
}

function readDocument(document: unknown): HashableDocument {
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw new NotAnEpcisDocument(
      'expected a JSON object with "type": "EPCISDocument" or "EPCISQueryDocument"',
    );
  const root = document as Record<string, unknown>;
  if (typeof root.type !== 'string' || !documentTypes.includes(root.type))
    throw new NotAnEpcisDocument(
      `/type: expected "EPCISDocument" or "EPCISQueryDocument", got ${JSON.stringify(root.type ?? null)}`,
    );
  if (root.epcisBody === null || typeof root.epcisBody !== 'object' || Array.isArray(root.epcisBody))
    throw new NotAnEpcisDocument('/epcisBody: expected an object holding the events');
  const body = root.epcisBody as Record<string, unknown>;
  const queryResults = asRecord(body.queryResults);
  const { pointer, list } =
    root.type === 'EPCISQueryDocument'
      ? {
          pointer: '/epcisBody/queryResults/resultsBody/eventList',
          list: asRecord(queryResults.resultsBody).eventList,
        }
      : body.event !== undefined && body.eventList === undefined
        ? { pointer: '/epcisBody/event', list: [body.event] }
        : { pointer: '/epcisBody/eventList', list: body.eventList };
  if (!Array.isArray(list)) throw new NotAnEpcisDocument(`${pointer}: expected a list of events`);
  list.forEach((event, index) => {
    const record = asRecord(event);
    if (typeof record.type !== 'string')
      throw new NotAnEpcisDocument(`${pointer}/${index}/type: expected an event type such as "ObjectEvent"`);
  });
  return {
    events: list as EpcisEvent[],
    context: root['@context'] as EpcisContext | undefined,
    options: { ignore: [root, body, queryResults].flatMap(ignoreFieldsOf) },
  };
}
