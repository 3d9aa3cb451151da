/**
 * The slice of GS1 EPCIS 2.0 JSON/JSON-LD the bridge reads and writes. Field names are GS1's; the types are
 * loose where the standard is open (user extensions are any namespaced member), so that a document from any
 * EPCIS repository fits.
 */

/** A JSON-LD `@context`: a URL, an object of prefix definitions, or a list of both. */
export type EpcisContext = string | Record<string, unknown> | (string | Record<string, unknown>)[];

/** One business transaction an event belongs to (CBV business transaction type + URI). */
export interface BizTransaction {
  type?: string;
  bizTransaction: string;
}

/** A party or place the objects left (`source`) or went to (`destination`). */
export interface SourceDestination {
  type: string;
  source?: string;
  destination?: string;
}

/** A class-level quantity: EPCIS's way of counting things that have no instance identifier. */
export interface QuantityElement {
  epcClass: string;
  quantity?: number;
  uom?: string;
}

/**
 * One EPCIS event. `type` is ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or
 * AssociationEvent (or an extension type URI); the other members depend on it. Namespaced members
 * (`tb:ref`, `example:myField`) are user extensions.
 */
export interface EpcisEvent {
  type: string;
  eventTime: string;
  eventTimeZoneOffset: string;
  eventID?: string;
  '@context'?: EpcisContext;
  action?: 'ADD' | 'OBSERVE' | 'DELETE';
  bizStep?: string;
  disposition?: string;
  epcList?: string[];
  inputEPCList?: string[];
  outputEPCList?: string[];
  quantityList?: QuantityElement[];
  readPoint?: { id: string };
  bizLocation?: { id: string };
  bizTransactionList?: BizTransaction[];
  sourceList?: SourceDestination[];
  destinationList?: SourceDestination[];
  certificationInfo?: string | string[];
  ilmd?: Record<string, unknown>;
  /** Present when this event declares an earlier event (same eventID) to be in error. */
  errorDeclaration?: ErrorDeclaration;
  [extension: string]: unknown;
}

/**
 * EPCIS 2.0 section 7.4.1.5: the event carrying it repeats an earlier event (same eventID) and declares it
 * erroneous; `correctiveEventIDs` name the events that replace it.
 */
export interface ErrorDeclaration {
  declarationTime: string;
  reason?: string;
  correctiveEventIDs?: string[];
  [extension: string]: unknown;
}

/** An EPCIS 2.0 document: a header and a list of events. */
export interface EpcisDocument {
  '@context': EpcisContext;
  type: 'EPCISDocument';
  schemaVersion: string;
  creationDate: string;
  id?: string;
  epcisBody: { eventList: EpcisEvent[] };
  [member: string]: unknown;
}

/** The answer to an EPCIS query: the events sit in `epcisBody.queryResults.resultsBody.eventList`. */
export interface EpcisQueryDocument {
  '@context': EpcisContext;
  type: 'EPCISQueryDocument';
  schemaVersion: string;
  creationDate: string;
  id?: string;
  epcisBody: {
    queryResults: { queryName?: string; subscriptionID?: string; resultsBody: { eventList: EpcisEvent[] } };
  };
  [member: string]: unknown;
}

/** Either document type GS1 defines for carrying events. */
export type AnyEpcisDocument = EpcisDocument | EpcisQueryDocument;

/** The events of either document type, in document order. */
export function eventListOf(document: AnyEpcisDocument): EpcisEvent[] {
  return document.type === 'EPCISQueryDocument'
    ? document.epcisBody.queryResults.resultsBody.eventList
    : document.epcisBody.eventList;
}

/** The JSON pointer of the event list in either document type. */
export function eventListPointer(document: AnyEpcisDocument): string {
  return document.type === 'EPCISQueryDocument'
    ? '/epcisBody/queryResults/resultsBody/eventList'
    : '/epcisBody/eventList';
}
