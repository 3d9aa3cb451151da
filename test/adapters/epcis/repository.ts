/**
 * The EPCIS repository simulator as the adapter's tests see it: started on port 0, the client's connection
 * settings, and its far side (what the repository itself stores, read past the adapter).
 */
import { startEpcisSimulator, type RunningEpcisSimulator } from '../../../sim/epcis/index.js';
import type { EpcisRepositoryOptions } from '../../../src/adapters/epcis/client.js';
import { queryDocument } from '../../../src/adapters/epcis/query.js';
import type { AnyEpcisDocument, EpcisEvent } from '../../../src/adapters/epcis/types.js';
import type { FarSide } from '../../../src/conformance/index.js';
import { capture, simKey, storedEvents, tbContext } from '../../sim/epcis/support.js';

export { simKey };

/** Starts a repository on a free port. */
export async function startRepository(
  options: { captureLimit?: number } = {},
): Promise<RunningEpcisSimulator> {
  return startEpcisSimulator({ apiKey: simKey, captureDelayMs: 5, ...options });
}

/** How the adapter connects to `sim`, with small pages so that paging is exercised. */
export function connectOptions(sim: RunningEpcisSimulator, pageSize = 2): EpcisRepositoryOptions {
  return { url: sim.url, apiKey: simKey, pageSize, pollIntervalMs: 5, timeoutMs: 5_000 };
}

/** Capture jobs that stored an event about `ref` (about any stone without it): the repository's real writes. */
export async function committedWrites(sim: RunningEpcisSimulator, ref?: string): Promise<number> {
  return new Set((await storedEvents(sim.url, ref)).map((stored) => stored.captureID)).size;
}

let changes = 0;

/** The far side of `sim` for the conformance suite. */
export function repositoryFarSide(sim: RunningEpcisSimulator): FarSide<AnyEpcisDocument> {
  return {
    committedWrites: (ref) => committedWrites(sim, ref),
    async readNative(ref) {
      const stored = await storedEvents(sim.url, ref);
      if (stored.length === 0) return null;
      const prefixes = Object.assign({}, ...stored.map((s) => s.context)) as Record<string, unknown>;
      const context = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', prefixes];
      return queryDocument(
        stored.map((s) => s.event as unknown as EpcisEvent),
        context,
      );
    },
    async setFaults(faults) {
      await fetch(`${sim.url}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
    },
    // Another participant captures an event: a rough stone commissioned, or an existing one shipped.
    async makeChange(ref) {
      changes += 1;
      const epc = ref ?? `https://id.tracebridge.dev/diamond/tb_othercapture${process.pid}x${changes}`;
      const job = await capture(sim.url, [
        ref === undefined
          ? {
              type: 'ObjectEvent',
              eventTime: '2024-06-01T08:00:00.000Z',
              eventTimeZoneOffset: '+00:00',
              action: 'ADD',
              epcList: [epc],
              bizStep: 'commissioning',
              ilmd: {
                'tb:kind': 'rough',
                'tb:roughCaratWeight': 2.5 + changes / 1000,
                'tb:producerRef': `OTHER-${changes}`,
                'cbvmda:countryOfOrigin': 'CA',
              },
            }
          : {
              type: 'ObjectEvent',
              eventTime: new Date().toISOString(),
              eventTimeZoneOffset: '+00:00',
              action: 'OBSERVE',
              epcList: [epc],
              bizStep: 'shipping',
            },
      ]);
      if (!job.success) throw new Error(`the change was refused: ${JSON.stringify(job.errors)}`);
      return epc;
    },
    async reset() {
      await fetch(`${sim.url}/admin/reset`, { method: 'POST' });
    },
  };
}

export { tbContext };
