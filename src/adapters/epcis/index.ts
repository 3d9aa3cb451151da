/**
 * The EPCIS 2.0 adapter: GS1's traceability event standard, as a format and as a platform. It turns a
 * stone's history into an EPCIS document (each event identified by its CBV 2.0 event hash) and reads EPCIS
 * documents back; connected to an EPCIS 2.0 repository (GS1's REST bindings: capture jobs, paged event
 * queries), it keeps each stone's events there and follows the repository's changes by record time.
 */
import { defineAdapter } from '../define.js';
import { connectEpcisRepository, type EpcisRepositoryOptions } from './client.js';
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

export { connectEpcisRepository, type EpcisRepositoryOptions } from './client.js';

/** The built-in `epcis` adapter. */
export const epcisAdapter = defineAdapter<AnyEpcisDocument, EpcisRepositoryOptions>({
  name: 'epcis',
  description:
    'GS1 EPCIS 2.0: stone histories as events with CBV 2.0 event hashes, kept in any EPCIS 2.0 repository',
  capabilities: {
    read: true,
    write: true,
    changeFeed: true,
    // One stone's events go in captures of their own, split to the repository's capture limit.
    batchWriteSize: 1,
    finality: 'immediate',
    writes: ['identifiers', 'origin', 'rough', 'grading', 'custody'],
  },
  // A repository keeps what participants captured; it is the authority for none of the stone's facts.
  authoritative: [],
  toCanonical: epcisToCanonical,
  fromCanonical: canonicalToEpcis,
  readNative: readEpcis,
  options: {
    type: 'object',
    properties: {
      pageSize: {
        type: 'integer',
        minimum: 1,
        default: 100,
        description: 'Events per query page (perPage)',
      },
      captureLimit: {
        type: 'integer',
        minimum: 1,
        default: 500,
        description: 'Most events per capture while the repository announces no GS1-EPCIS-Capture-Limit',
      },
      pollIntervalMs: {
        type: 'integer',
        minimum: 1,
        default: 50,
        description: 'How often a capture job is polled, in milliseconds',
      },
      captureTimeoutMs: {
        type: 'integer',
        minimum: 1,
        default: 30_000,
        description: 'How long a capture job may run before the write counts as in doubt, in milliseconds',
      },
    },
  },
  connect: connectEpcisRepository,
});

export default epcisAdapter;
