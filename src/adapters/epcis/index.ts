/**
 * The EPCIS 2.0 adapter: GS1's traceability event standard as a format. It turns a stone's history into an
 * EPCIS document (each event identified by its CBV 2.0 event hash) and reads EPCIS documents back. It is
 * format only for now: a client for an EPCIS repository's REST capture and query interface (EPCIS 2.0
 * section 12) is later work, so `connect` refuses and the bridge neither reads from nor writes to one.
 */
import { defineAdapter } from '../define.js';
import { PlatformError } from '../errors.js';
import { epcisToCanonical, canonicalToEpcis, readEpcis } from './transform.js';
import type { AnyEpcisDocument } from './types.js';

export { exportHistory, exportContext, type ExportOptions } from './export.js';
export { importEpcis, type EpcisImport, type ImportOptions } from './import.js';
export {
  sortEvents,
  identifyStones,
  type Attachment,
  type EventOutcome,
  type StoneDirectory,
} from './outcomes.js';
export { stepReadings, type StepReading } from './mapping.js';
export { eventHash, preHashString } from './event-hash.js';
export type { AnyEpcisDocument, EpcisDocument, EpcisEvent, EpcisQueryDocument } from './types.js';

/** The built-in `epcis` adapter. */
export const epcisAdapter = defineAdapter<AnyEpcisDocument, { url: string; apiKey: string }>({
  name: 'epcis',
  description: 'GS1 EPCIS 2.0 JSON-LD documents: stone histories as events with CBV 2.0 event hashes',
  capabilities: {
    read: false,
    write: false,
    changeFeed: false,
    batchWriteSize: 1,
    finality: 'immediate',
    writes: [],
  },
  authoritative: [],
  toCanonical: epcisToCanonical,
  fromCanonical: canonicalToEpcis,
  readNative: readEpcis,
  connect() {
    throw new PlatformError(
      'no EPCIS repository client is configured: the epcis adapter translates documents only',
      {
        adapter: 'epcis',
        failure: 'unrecoverable',
      },
    );
  },
});

export default epcisAdapter;
