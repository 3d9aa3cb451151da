/**
 * Errors the store raises. Each names the stone, the field or the key concerned and the values involved, so
 * the person reading a log line knows which record to look at without opening Redis.
 */

/** Input the store will not accept: a malformed bridge ID, a native ref with control characters, a bad prefix. */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';

  constructor(
    /** What the value was meant to be (`diamond id`, `gia ref`, `key prefix`). */
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`[tracebridge] [store] ${field} ${JSON.stringify(value)} is not valid: expected ${expected}`);
  }
}

/** Optimistic concurrency: the stone changed since the caller read it. Nothing was written. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';

  constructor(
    readonly diamondId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `[tracebridge] [store] diamond ${diamondId} is at version ${actualVersion}, not the expected version ${expectedVersion}`,
    );
  }
}

/** A native ref already belongs to a different stone on that platform. Nothing was written. */
export class IdentityConflictError extends Error {
  override readonly name = 'IdentityConflictError';

  constructor(
    readonly platform: string,
    readonly ref: string,
    readonly ownerId: string,
    readonly diamondId: string,
  ) {
    super(
      `[tracebridge] [store] ${platform} ref ${JSON.stringify(ref)} already belongs to diamond ${ownerId}, not ${diamondId}`,
    );
  }
}

/**
 * A canonical identifier (two stones cannot share a GIA report number) already points at another stone.
 * Nothing in the batch was written.
 */
export class IdentifierConflictError extends Error {
  override readonly name = 'IdentifierConflictError';

  constructor(
    /** `giaReportNumber`, `inscription`, ... */
    readonly identifier: string,
    /** The normalised value. */
    readonly value: string,
    readonly ownerId: string,
    readonly diamondId: string,
  ) {
    super(
      `[tracebridge] [store] identifiers.${identifier} ${JSON.stringify(value)} already belongs to diamond ${ownerId}, not ${diamondId}`,
    );
  }
}

/** A stored value that cannot be read back (broken JSON, a missing field): names the key, never crashes. */
export class CorruptEntryError extends Error {
  override readonly name = 'CorruptEntryError';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`[tracebridge] [store] ${key}: ${reason}`);
  }
}

/** An operation on a stone the store does not hold. */
export class UnknownDiamondError extends Error {
  override readonly name = 'UnknownDiamondError';

  constructor(readonly diamondId: string) {
    super(`[tracebridge] [store] no diamond ${diamondId} is stored`);
  }
}

/**
 * A write made under a lease that its holder no longer holds (it lapsed, and may be another's now): the
 * store refused it and wrote nothing. The job that made it is retried and reads the stone afresh.
 */
export class FencedWriteError extends Error {
  override readonly name = 'FencedWriteError';

  constructor(
    readonly diamondId: string,
    readonly fence: { readonly key: string; readonly holder: string },
  ) {
    super(
      `[tracebridge] [store] a write for diamond ${diamondId} under lease ${fence.key} (held as ${fence.holder}) was refused: that lease is no longer held; nothing was written`,
    );
  }
}
