/**
 * A client for any EPCIS 2.0 repository over GS1's REST bindings. A stone is the events the repository
 * holds about its EPC (`MATCH_anyEPC`), read as one query document; a write captures the events the
 * stone's history lacks there (see `acts.ts`); the change feed follows record time (`GE_recordTime`) and
 * the repository's page tokens.
 */
import type { ConnectOptions, PlatformClient, PlatformRecord, StoneIdentifiers } from '../contract.js';
import { readChangePage } from '../change-page.js';
import { createHttpClient } from '../http.js';
import { mapOrRefuse } from '../refuse.js';
import { planCapture, wantedEvents } from './acts.js';
import { announcedLimit, captureEvents, settleCaptures, type CaptureSettings } from './capture.js';
import { readFeedCursor, feedCursor } from './feed-cursor.js';
import { queryAll, queryPage } from './query.js';
import { describedStone } from './transform.js';
import type { AnyEpcisDocument, EpcisEvent } from './types.js';
import { parseStoneEpc, stoneEpcOf, tb } from './vocab.js';

/** Connection settings of the EPCIS repository client. */
export interface EpcisRepositoryOptions extends ConnectOptions {
  /** Events per query page (`perPage`). Default 100. */
  pageSize?: number;
  /** Most events per capture while the repository announces no limit. Default 500. */
  captureLimit?: number;
  /** How often a capture job is polled, in milliseconds. Default 50. */
  pollIntervalMs?: number;
  /** How long a capture job may run before the write counts as in doubt, in milliseconds. Default 30 s. */
  captureTimeoutMs?: number;
}

/** Connects to the repository at `options.url` (its REST bindings' root). */
export function connectEpcisRepository(options: EpcisRepositoryOptions): PlatformClient<AnyEpcisDocument> {
  const http = createHttpClient({
    adapter: 'epcis',
    baseURL: options.url.replace(/\/$/, ''),
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const perPage = options.pageSize ?? 100;
  const settings: CaptureSettings = {
    defaultLimit: options.captureLimit ?? 500,
    pollIntervalMs: options.pollIntervalMs ?? 50,
    timeoutMs: options.captureTimeoutMs ?? 30_000,
  };
  let limit: number | undefined;

  const read = async (epc: string): Promise<PlatformRecord<AnyEpcisDocument> | null> => {
    const document = await queryAll(http, { MATCH_anyEPC: epc }, perPage);
    if (document.epcisBody.queryResults.resultsBody.eventList.length === 0) return null;
    const described = describedStone(document, epc);
    if (described === undefined) return null;
    return { ref: epc, native: document, canonical: described.value, loss: described.loss };
  };

  return {
    async get(ref) {
      return read(asEpc(ref));
    },

    async find(identifiers: StoneIdentifiers) {
      const stones = new Set<string>();
      for (const [kind, value] of Object.entries(identifiers)) {
        if (typeof value !== 'string') continue;
        const found = await queryAll(http, { [`EQ_ILMD_${tb}:${kind}`]: value }, perPage);
        // The ILMD states the master data of the stone the event brings into being, not of its inputs.
        for (const event of found.epcisBody.queryResults.resultsBody.eventList)
          for (const epc of bornStones(event)) stones.add(epc);
      }
      const records = await Promise.all([...stones].map(read));
      // A registration declared in error may name an identifier the stone no longer carries.
      return records.filter(
        (record): record is PlatformRecord<AnyEpcisDocument> =>
          record !== null &&
          Object.entries(identifiers).some(
            ([kind, value]) => record.canonical.identifiers?.[kind as keyof StoneIdentifiers] === value,
          ),
      );
    },

    async put(record) {
      const wanted = mapOrRefuse('epcis', () => wantedEvents(record, new Date().toISOString()), {
        stone: record.id,
      });
      const id = record.id!;
      const epc = stoneEpcOf(id);
      await settleCaptures(http, settings);
      const held = await queryAll(http, { MATCH_anyEPC: epc }, perPage);
      const plan = planCapture(
        id,
        wanted,
        held.epcisBody.queryResults.resultsBody.eventList,
        new Date().toISOString(),
      );
      if (plan.events.length === 0) return { ref: epc, outcome: 'unchanged' };
      limit ??= (await announcedLimit(http)) ?? settings.defaultLimit;
      limit = await captureEvents(http, plan.events, limit, settings);
      return { ref: epc, outcome: plan.heldBefore ? 'updated' : 'created' };
    },

    async changes(cursor) {
      const at = readFeedCursor(cursor);
      const page = await queryPage(
        http,
        at.token !== undefined
          ? { nextPageToken: at.token, perPage }
          : { perPage, ...(at.time === undefined ? {} : { GE_recordTime: at.time }) },
      );
      // Without a token the page starts at the cursor's record time, whose first `seen` events were read.
      let skip = at.token === undefined ? at.seen : 0;
      let { time, seen } = at;
      const fresh: EpcisEvent[] = [];
      for (const event of page.events) {
        const recorded = typeof event.recordTime === 'string' ? event.recordTime : undefined;
        const same =
          recorded !== undefined && time !== undefined && Date.parse(recorded) === Date.parse(time);
        if (same && skip > 0) {
          skip -= 1;
          continue;
        }
        fresh.push(event);
        if (same) seen += 1;
        else if (recorded !== undefined) [time, seen] = [recorded, 1];
      }
      const stones = [...new Set(fresh.flatMap(stoneEpcs))];
      const { changes, rejected } = await readChangePage(stones, (epc) => epc, read);
      const more = page.nextPageToken !== undefined;
      const moved = fresh.length > 0 || more;
      return {
        changes,
        cursor: moved ? feedCursor({ time, seen, token: page.nextPageToken }) : cursor,
        more,
        ...(rejected.length > 0 ? { rejected } : {}),
      };
    },

    async health() {
      const started = performance.now();
      try {
        limit = (await announcedLimit(http)) ?? settings.defaultLimit;
        return { ok: true, latencyMs: performance.now() - started, detail: `captures up to ${limit} events` };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return { ok: false, latencyMs: performance.now() - started, detail };
      }
    },
  };
}

/** A reference as the stone's EPC: the EPC itself, or a bridge ID. */
function asEpc(ref: string): string {
  return /^https?:\/\//.test(ref) ? ref : stoneEpcOf(ref);
}

/** The diamond EPCs an event names: the stones the bridge can read (other objects are not diamonds). */
function stoneEpcs(event: EpcisEvent): string[] {
  const named = [
    ...(event.epcList ?? []),
    ...(event.inputEPCList ?? []),
    ...(event.outputEPCList ?? []),
    ...(Array.isArray(event.childEPCs) ? (event.childEPCs as unknown[]) : []),
    ...(typeof event.parentID === 'string' ? [event.parentID] : []),
  ];
  return named.filter((epc): epc is string => typeof epc === 'string' && parseStoneEpc(epc) !== undefined);
}

/** The stones an event brings into being: a commissioning's objects, a transformation's outputs. */
function bornStones(event: EpcisEvent): string[] {
  const born = event.type === 'TransformationEvent' ? (event.outputEPCList ?? []) : (event.epcList ?? []);
  return born.filter((epc) => parseStoneEpc(epc) !== undefined);
}
