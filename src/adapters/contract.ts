import type { AdapterOptionsSchema } from './options.js';
import type { Translation } from '../mapping/loss.js';
import type { OrgEntry } from '../participants/registry.js';
import type { DiamondRecord } from '../types/diamond.js';

/**
 * The adapter contract: what every platform adapter, built-in or third-party, provides. An adapter is a
 * definition (name, capabilities, authority, pure transforms) plus a `connect` that returns a client for I/O.
 */

/** Groups of canonical fields, the unit in which authority and write support are declared. */
export type FieldGroup =
  /** `identifiers.*` */
  | 'identifiers'
  /** `origin.*`: country, producer, mine as declared at registration */
  | 'origin'
  /** `rough.*` */
  | 'rough'
  /** `polished.*` and `grading.*`: what a lab measures and grades */
  | 'grading'
  /** `owner`, `events`, `lineage`: who holds the stone and what happened to it */
  | 'custody';

/** The canonical top-level fields each group covers. */
export const fieldGroupPaths: Readonly<Record<FieldGroup, readonly string[]>> = {
  identifiers: ['identifiers'],
  origin: ['origin'],
  rough: ['rough'],
  grading: ['polished', 'grading'],
  custody: ['owner', 'events', 'lineage'],
};

/** What a platform can do; the bridge works around what it cannot. */
export interface AdapterCapabilities {
  read: boolean;
  write: boolean;
  /** The platform offers a change feed that {@link PlatformClient.changes} pages through. */
  changeFeed: boolean;
  /** How many records one write call may carry; 1 means no batching. */
  batchWriteSize: number;
  /** `immediate`: a successful write is final. `block`: final only once included in a block. */
  finality: 'immediate' | 'block';
  /** Which field groups the platform accepts writes for (GIA's intake takes only origin and rough data). */
  writes: readonly FieldGroup[];
}

/** A stone as read from a platform: the native record, its canonical view and what the mapping lost. */
export interface PlatformRecord<Native = unknown> {
  /** The platform's own reference for the stone (Tracr diamond ID, GIA report number, rough control no). */
  ref: string;
  native: Native;
  canonical: DiamondRecord;
  loss: Translation<DiamondRecord>['loss'];
}

/** The identifiers a stone can be found by on some platform. */
export type StoneIdentifiers = NonNullable<DiamondRecord['identifiers']>;

/** How a write ended. */
export interface PutResult {
  ref: string;
  /** `unchanged` when the platform already held exactly this, so nothing was written. */
  outcome: 'created' | 'updated' | 'unchanged';
}

/** One page of a change feed. */
export interface ChangePage<Native = unknown> {
  changes: PlatformRecord<Native>[];
  /**
   * The position after this page: store it once these changes are durably saved and pass it to the next
   * call. A page with no changes answers the cursor it was given.
   */
  cursor: string | null;
  /** More changes are waiting: call again at once with `cursor`. */
  more: boolean;
  /**
   * Items of this page the adapter could not read (a native record it cannot map). `cursor` already moves
   * past them: the bridge records each as a rejected change for an operator instead of stalling the feed.
   */
  rejected?: RejectedChange[];
}

/** A change-feed item that was handed out but cannot be stored, and why. */
export interface RejectedChange {
  /** The platform's own reference for the item. */
  ref: string;
  /** What is wrong with it, naming the field and the value. */
  reason: string;
}

/** A platform's health as seen from the bridge. */
export interface PlatformHealth {
  ok: boolean;
  latencyMs: number;
  detail?: string;
  /** The platform answered 429: it is up and asking for less traffic, which is no outage. */
  rateLimited?: boolean;
}

/** Connection settings every client accepts; adapters extend it with their own. */
export interface ConnectOptions {
  /** The platform's base URL (for GIA, the GraphQL endpoint URL). */
  url: string;
  apiKey: string;
  /** Per-call timeout. Default 10 s. */
  timeoutMs?: number;
  /**
   * The participants registry (`TRACEBRIDGE_ORGS`): each bridge organisation's identities on each platform,
   * for an adapter that acts as the organisation performing a write (the ledger's signers).
   */
  orgs?: readonly OrgEntry[];
}

/** Options of {@link PlatformClient.put}. */
export interface PutOptions {
  /** Stable across retries of the same change: a platform that has already applied it must not again. */
  idempotencyKey: string;
  /**
   * What the caller has just read of the stone through this client's own `get` or `find` (so its `native` is
   * this client's native shape): the platform's record, or null when a lookup by every identifier the record carries found nothing at all. A client
   * given it may skip its own read-before-write; a client may always ignore it and read anyway. Absent: the
   * client reads as it always does, which is what a caller must leave it at when unsure.
   */
  held?: PlatformRecord | null;
  /**
   * The record already translated to what the platform takes for writes (the adapter's `writeShape`, else
   * `fromCanonical`), so one write runs the transform once: a client given it sends it as it is; absent,
   * the client translates the record itself.
   */
  native?: unknown;
}

/** One stone of a {@link PlatformClient.putMany} call. */
export interface PutItem extends PutOptions {
  record: DiamondRecord;
}

/** A connected client. Every method throws {@link PlatformError} on failure, already classified. */
export interface PlatformClient<Native = unknown> {
  /** The stone by the platform's own reference, or null when the platform does not hold it. */
  get(ref: string): Promise<PlatformRecord<Native> | null>;
  /** Stones matching any of the given identifiers. */
  find(identifiers: StoneIdentifiers): Promise<PlatformRecord<Native>[]>;
  /**
   * Writes the stone. `idempotencyKey` is stable across retries of the same change: a platform that has
   * already applied it must not apply it again.
   */
  put(record: DiamondRecord, options: PutOptions): Promise<PutResult>;
  /**
   * Writes several stones in as few platform calls as the platform allows (at most
   * `capabilities.batchWriteSize` each). Answers one settled result per item, in order, so that one bad stone
   * does not fail the others. Absent when the platform has no batch write.
   */
  putMany?(items: PutItem[]): Promise<PromiseSettledResult<PutResult>[]>;
  /** Reads the change feed from `cursor` (null: from the start). Absent when the platform has none. */
  changes?(cursor: string | null): Promise<ChangePage<Native>>;
  health(): Promise<PlatformHealth>;
  close?(): Promise<void>;
}

/** A platform adapter. Build one with {@link defineAdapter}. */
export interface AdapterDefinition<Native = unknown, Options extends ConnectOptions = ConnectOptions> {
  /** Lower-case platform name, used in `sources.<name>`, queue names and configuration. */
  name: string;
  /** One line for people: what platform this is. */
  description: string;
  capabilities: AdapterCapabilities;
  /** Field groups this platform is the authority for when platforms disagree. */
  authoritative: readonly FieldGroup[];
  /** Native record to canonical. Pure: no I/O, the same input always gives the same output. */
  toCanonical(native: Native): Translation<DiamondRecord>;
  /**
   * Turns what a person may hand the `map` command (a whole API response body, say) into the native record
   * `toCanonical` takes; throws MappingError when it is neither. Absent: the input is the native record.
   */
  readNative?(input: unknown): Native;
  /**
   * Like `readNative`, for platforms whose answers may hold several records (GIA's aliased report lookups);
   * `map` translates each. Takes precedence over `readNative` when both are given.
   */
  readNatives?(input: unknown): Native[];
  /** Canonical record to the native shape the platform accepts for writes. Pure. */
  fromCanonical(record: DiamondRecord): Translation<Native>;
  /**
   * What `put` sends for the record, when the platform's write side takes another shape than its read side
   * (GIA serves grading reports but takes only Mine-to-Market intake records). Throws MappingError naming
   * the field when the write side cannot take the record, so the bridge queues no job that can only fail.
   * Absent: `fromCanonical`.
   */
  writeShape?(record: DiamondRecord): Translation<unknown>;
  /**
   * The options `connect` takes beyond `url`, `apiKey` and `timeoutMs`, as a JSON Schema: the bridge reads
   * each from `TRACEBRIDGE_<ADAPTER>_<OPTION>` or the adapter options file and checks them at start-up.
   */
  options?: AdapterOptionsSchema;
  /**
   * Why the platform cannot be connected with these options, when that should leave it out of the bridge
   * with the reason (a ledger with no key to sign with) rather than stop start-up; undefined when it can.
   */
  unavailable?(options: Options): string | undefined;
  connect(options: Options): PlatformClient<Native>;
}
