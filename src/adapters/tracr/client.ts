/**
 * The Tracr adapter's client: verified reads, lookups by any identifier the ledger indexes, the change feed
 * by block height (a stone that does not map or verify is set aside as a rejected change), and signed writes that wait for their block (writer.ts). Every failure is a classified
 * PlatformError; a stone whose proof does not hold is refused, never imported.
 */
import type { KeyObject } from 'node:crypto';
import type {
  ChangePage,
  ConnectOptions,
  PlatformClient,
  PlatformRecord,
  StoneIdentifiers,
} from '../contract.js';
import { readChangePage } from '../change-page.js';
import { PlatformError } from '../errors.js';
import { createHttpClient, optional } from '../http.js';
import { LedgerReader, type StoneQuery } from './ledger.js';
import { BoundedMap } from '../../bounded-map.js';
import type { TracrDiamond } from './native.js';
import { mapOrRefuse, refusal } from './refusals.js';
import { ledgerSigners } from './signers.js';
import { oneSigner, type LedgerSigners } from './acts.js';
import { keySigner, type Signer } from './signing.js';
import { toCanonical } from './transform.js';
import { writeStones, type WriterContext } from './writer.js';

/** How to reach the ledger, and whom to sign as. */
export interface TracrOptions extends ConnectOptions {
  /**
   * The signer of each organisation (from the participants registry): each act is signed as the
   * participant of the organisation that performs it (acts.ts). Given, `participantId` and `privateKey`
   * are not needed.
   */
  signers?: LedgerSigners;
  /** The one approved participant the bridge signs every act as (`demo-mining`), without `signers`. */
  participantId?: string;
  /**
   * That participant's Ed25519 private key: PEM, PKCS#8 DER in standard base64 (the ledger's encoding), the
   * raw 32-byte seed as 64 hex digits, or a KeyObject.
   */
  privateKey?: string | KeyObject;
  /** How long a write waits for its transactions to reach a block before failing as retryable. Default 30 s. */
  blockWaitMs?: number;
  /** Stones per page of the change feed, 1 to 500. Default 100. */
  pageSize?: number;
}

/** The identifiers the ledger can be searched by, each with its filter on `GET /v1/diamonds`. */
const lookups = ['producerRef', 'inscription', 'kpCertificate'] as const;

/** A client for the ledger at `options.url`. Throws at once, naming the option, when an option is unusable. */
export function connectTracr(options: TracrOptions): PlatformClient<TracrDiamond> {
  const signers = tracrSigners(options) ?? oneSigner(soleSigner(options));
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
    throw new TypeError(`[tracr] pageSize: expected a whole number from 1 to 500, got ${pageSize}`);
  const http = createHttpClient({
    adapter: 'tracr',
    baseURL: options.url,
    // The ledger takes the bare key, no scheme.
    authorization: options.apiKey,
    ...optional('timeoutMs', options.timeoutMs),
  });
  const ledger = new LedgerReader(http);
  const canonicalViews: CanonicalViews = new BoundedMap(5_000);
  const writer: WriterContext = {
    http,
    ledger,
    signers,
    roles: new Map(),
    blockWaitMs: options.blockWaitMs ?? 30_000,
  };

  const get = async (ref: string): Promise<PlatformRecord<TracrDiamond> | null> => {
    const stone = await ledger.stone(ref);
    return stone && read(canonicalViews, stone);
  };

  return {
    get,

    async find(identifiers: StoneIdentifiers) {
      // Every identifier is asked at once: a lookup costs the slowest listing, not their sum.
      const listings = lookups.flatMap((key) => {
        const value = identifiers[key];
        return value === undefined ? [] : [ledger.listAll({ [key]: value })];
      });
      const [direct, ...listed] = await Promise.all([
        identifiers.tracrId === undefined ? null : get(identifiers.tracrId),
        ...listings,
      ]);
      const found = new Map<string, PlatformRecord<TracrDiamond>>();
      if (direct) found.set(direct.ref, direct);
      const others = [
        ...new Set(listed.flat().flatMap((stone) => (stone.diamondId ? [stone.diamondId] : []))),
      ].filter((diamondId) => !found.has(diamondId));
      for (const stone of await Promise.all(others.map(get))) if (stone) found.set(stone.ref, stone);
      return [...found.values()];
    },

    async put(record, options) {
      const [result] = await writeStones(writer, [{ record, ...options }]);
      if (result?.status === 'fulfilled') return result.value;
      throw result?.reason ?? refusal('nothing was written', 'kind');
    },

    putMany: (items) => writeStones(writer, items),

    async changes(cursor): Promise<ChangePage<TracrDiamond>> {
      const position = readCursor(cursor);
      const query: StoneQuery = { limit: String(pageSize) };
      if (position.since >= 0) query.changedSinceHeight = String(position.since);
      if (position.page) query.cursor = position.page;
      const page = await ledger.page(query);
      // Fixed at the first page of a pass, so the next pass starts where this one's listing began.
      const head = position.head ?? page.headHeight;
      // A stone that does not map or whose proof fails is set aside; the cursor moves past it.
      const { changes, rejected } = await readChangePage(
        page.items,
        (listed) => listed.diamondId ?? '',
        (listed) => (listed.diamondId ? get(listed.diamondId) : Promise.resolve(null)),
      );
      if (page.items.length === 0) return { changes, cursor, more: false };
      const more = page.nextCursor !== null;
      return {
        changes,
        cursor: more ? `${position.since}/${head}/${page.nextCursor}` : String(head),
        more,
        ...(rejected.length > 0 ? { rejected } : {}),
      };
    },

    async health() {
      const started = performance.now();
      try {
        const head = await ledger.head();
        return {
          ok: true,
          latencyMs: performance.now() - started,
          detail: `chain head at height ${head.height}`,
        };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        const rateLimited = error instanceof PlatformError && error.status === 429;
        return {
          ok: false,
          latencyMs: performance.now() - started,
          detail,
          ...(rateLimited ? { rateLimited } : {}),
        };
      }
    },
  };
}

/**
 * The signers `options` give: `signers` as given, else one per organisation of the participants registry
 * with the `participantId`/`privateKey` shorthand for the others; undefined when no key signs anything.
 */
export function tracrSigners(options: TracrOptions): LedgerSigners | undefined {
  if (options.signers) return options.signers;
  const { participantId, privateKey } = options;
  return ledgerSigners(options.orgs ?? [], { participantId, privateKey });
}

/** The one signer of a bridge that signs every act as one participant; throws naming a missing option. */
function soleSigner({ participantId, privateKey }: TracrOptions): Signer {
  if (!participantId) throw new TypeError('[tracr] participantId: the participant to sign as is required');
  if (privateKey === undefined)
    throw new TypeError(`[tracr] privateKey: the key of ${participantId} is required to sign as it`);
  return keySigner(participantId, privateKey);
}

/**
 * One client's canonical views of stone states already read, by state hash. A read's state hash is checked
 * against its content before the state is believed, so an equal hash is an equal state and its mapping can
 * be reused. Each client keeps its own: two ledgers never share a translation.
 */
type CanonicalViews = BoundedMap<string, ReturnType<typeof toCanonical>>;

function read(canonicalViews: CanonicalViews, stone: TracrDiamond): PlatformRecord<TracrDiamond> {
  let view = stone.stateHash === undefined ? undefined : canonicalViews.get(stone.stateHash);
  if (view === undefined) {
    view = mapOrRefuse(() => toCanonical(stone), stone.diamondId);
    if (stone.stateHash !== undefined) canonicalViews.set(stone.stateHash, view);
  }
  return { ref: stone.diamondId ?? '', native: stone, canonical: view.value, loss: view.loss };
}

/**
 * Change-feed cursors: a block height (`"42"`: stones changed in blocks above 42), or, between the pages of
 * one pass, `"<since>/<head>/<page cursor>"`. -1 stands for "from the start".
 */
function readCursor(cursor: string | null): { since: number; head?: number; page?: string } {
  if (cursor === null) return { since: -1 };
  const match = /^(-1|\d+)(?:\/(\d+)\/([A-Za-z0-9_-]+))?$/.exec(cursor);
  if (!match) {
    throw new PlatformError(`cursor ${JSON.stringify(cursor)} is not a cursor this adapter gave out`, {
      adapter: 'tracr',
      failure: 'unrecoverable',
      field: 'cursor',
    });
  }
  const [, since, head, page] = match;
  return {
    since: Number(since),
    ...optional('head', head === undefined ? undefined : Number(head)),
    ...optional('page', page),
  };
}
