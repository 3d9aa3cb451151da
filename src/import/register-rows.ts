/**
 * Registers a batch of read rows through the same ingest path as `POST /v1/diamonds`. A row is one stone,
 * found again by the organisation's `producerRef` or `roughControlNumber` (or its bridge ID): a row for a
 * stone already held updates it with the fields the row names and keeps the rest (what the platforms
 * added stays), a row that changes nothing writes nothing, so importing the same file twice, or again after
 * a crash, never registers a stone twice. Rows are saved a batch at a time; when the batch is refused as a
 * whole (an identifier held by another stone), its rows are registered one by one, so one bad row costs
 * only itself.
 */
import { contentHash } from '../mapping/content-hash.js';
import { validateDiamond } from '../mapping/validate.js';
import { registerMany, RegistrationError, type IngestContext } from '../sync/register.js';
import {
  IdentifierConflictError,
  normaliseIdentifier,
  StoreInputError,
  type StoredDiamond,
} from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { CandidateRow, RowError } from './rows.js';

/** Who imports: the caller's organisation (absent for an admin) and the name for the audit log. */
export interface ImportScope {
  org?: string;
  actor: string;
}

/** What became of one row. */
export type RowOutcome =
  | { line: number; outcome: 'registered' | 'unchanged'; id: string }
  | { line: number; outcome: 'refused'; raw: Buffer; errors: RowError[] };

/** The identifiers a row is found again by, in the order they are tried. */
export const importKeys = ['producerRef', 'roughControlNumber'] as const;

/** Options for {@link registerRows}. */
export interface RegisterRowsOptions {
  /**
   * Queue sync jobs for unchanged rows too: after a crash, a row stored just before it may not have had
   * its jobs queued yet. Job IDs make the repeat one job.
   */
  requeueUnchanged?: boolean;
}

/**
 * Registers `rows` (no two naming the same stone) and answers each one's outcome, in order. Throws only
 * for failures of the bridge itself (Redis), never for a row's content.
 */
export async function registerRows(
  context: IngestContext,
  rows: readonly CandidateRow[],
  scope: ImportScope,
  options: RegisterRowsOptions = {},
): Promise<RowOutcome[]> {
  const outcomes: (RowOutcome | undefined)[] = rows.map(() => undefined);
  const found = await findStones(context, rows, scope);
  const stored = await context.store.diamonds.getMany(
    found
      .map((entry) => ('id' in entry ? entry.id : undefined))
      .filter((id): id is string => id !== undefined),
  );
  const byId = new Map(stored.flatMap((entry) => (entry ? [[entry.record.id!, entry] as const] : [])));
  const toWrite: { index: number; record: DiamondRecord; unchanged: boolean }[] = [];
  rows.forEach((row, index) => {
    const entry = found[index]!;
    const refuse = (errors: RowError[]): void => {
      outcomes[index] = { line: row.line, outcome: 'refused', raw: row.raw, errors };
    };
    if ('errors' in entry) return refuse(entry.errors);
    const existing = entry.id === undefined ? undefined : byId.get(entry.id);
    if (existing && scope.org !== undefined && existing.record.owner?.org !== scope.org)
      return refuse([
        { line: row.line, column: entry.key, message: `${entry.key} is already used by another stone` },
      ]);
    const record = existing ? mergeRow(existing, row.fields) : withDefaults(row.fields);
    if (existing && entry.id !== undefined) record.id = entry.id;
    const validation = validateDiamond(record);
    if (!validation.valid) {
      return refuse(
        validation.errors.map((issue) => {
          const source = row.sourceOf(issue.pointer);
          return {
            line: row.line,
            ...(source ? { column: source.column } : issue.pointer ? { column: issue.pointer } : {}),
            ...(source?.value === undefined ? {} : { value: source.value }),
            message: `${issue.pointer || '/'} ${issue.message}`,
          };
        }),
      );
    }
    const unchanged = existing !== undefined && contentHash(record) === existing.hash;
    if (unchanged) outcomes[index] = { line: row.line, outcome: 'unchanged', id: existing.record.id! };
    if (!unchanged || options.requeueUnchanged) toWrite.push({ index, record, unchanged });
  });
  await write(context, rows, toWrite, scope, outcomes);
  return outcomes as RowOutcome[];
}

async function write(
  context: IngestContext,
  rows: readonly CandidateRow[],
  toWrite: readonly { index: number; record: DiamondRecord; unchanged: boolean }[],
  scope: ImportScope,
  outcomes: (RowOutcome | undefined)[],
): Promise<void> {
  if (toWrite.length === 0) return;
  // Every record here passed validateDiamond above, row by row.
  const options = {
    actor: scope.actor,
    validated: true,
    ...(scope.org === undefined ? {} : { org: scope.org }),
  };
  const settle = (entry: (typeof toWrite)[number], id: string, outcome: string): void => {
    const line = rows[entry.index]!.line;
    outcomes[entry.index] = { line, outcome: outcome === 'unchanged' ? 'unchanged' : 'registered', id };
  };
  try {
    const registrations = await registerMany(
      context,
      toWrite.map((entry) => entry.record),
      options,
    );
    registrations.forEach((registration, i) => settle(toWrite[i]!, registration.id, registration.outcome));
    return;
  } catch (error) {
    if (!isRowFault(error)) throw error;
  }
  // The batch was refused as a whole: find the rows at fault by registering each on its own.
  for (const entry of toWrite) {
    const row = rows[entry.index]!;
    try {
      const [registration] = await registerMany(context, [entry.record], options);
      settle(entry, registration!.id, registration!.outcome);
    } catch (error) {
      if (!isRowFault(error)) throw error;
      outcomes[entry.index] = {
        line: row.line,
        outcome: 'refused',
        raw: row.raw,
        errors: [rowFault(row, error)],
      };
    }
  }
}

function isRowFault(error: unknown): error is IdentifierConflictError | RegistrationError | StoreInputError {
  return (
    error instanceof IdentifierConflictError ||
    error instanceof RegistrationError ||
    error instanceof StoreInputError
  );
}

// Never names the other stone: it may be another organisation's, which does not exist for the caller.
function rowFault(
  row: CandidateRow,
  error: IdentifierConflictError | RegistrationError | StoreInputError,
): RowError {
  if (error instanceof IdentifierConflictError) {
    const pointer = `/identifiers/${error.identifier}`;
    const source = row.sourceOf(pointer);
    return {
      line: row.line,
      column: source?.column ?? `identifiers.${error.identifier}`,
      value: source?.value ?? error.value,
      message: `identifiers.${error.identifier} ${JSON.stringify(error.value)} is already used by another stone`,
    };
  }
  if (error instanceof RegistrationError) {
    const issue = error.issues[0];
    const source = issue ? row.sourceOf(issue.pointer) : undefined;
    return {
      line: row.line,
      ...(source ? { column: source.column } : {}),
      message: error.issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; '),
    };
  }
  return {
    line: row.line,
    column: error.field,
    message: `${error.field} is not valid: ${JSON.stringify(error.value)}`,
  };
}

type Found = { id: string | undefined; key: string } | { errors: RowError[] };

/** A row's identifiers to look up, or why it cannot be looked up. */
type Lookup =
  | { asked: { name: (typeof importKeys)[number]; value: string }[]; given?: string; org?: string }
  | { errors: RowError[] };

// The stone each row names, by bridge ID or the organisation's own references (the caller's organisation,
// or for an admin the one the row names), every row's looked up in one round trip; undefined id: a new
// stone.
async function findStones(
  context: IngestContext,
  rows: readonly CandidateRow[],
  scope: ImportScope,
): Promise<Found[]> {
  const lookups = rows.map((row) => lookupOf(row, scope));
  const ids = await context.store.identity.findManyByIdentifier(
    lookups.flatMap((lookup) =>
      'errors' in lookup
        ? []
        : lookup.asked.map((query) => ({
            ...query,
            ...(lookup.org === undefined ? {} : { org: lookup.org }),
          })),
    ),
  );
  let next = 0;
  return lookups.map((lookup, index) => {
    if ('errors' in lookup) return lookup;
    const { asked, given } = lookup;
    const held = asked.map(() => ids[next++]!);
    const distinct = new Set([...held, ...(given === undefined ? [] : [given])].filter((id) => id !== null));
    const key = asked[0] === undefined ? 'id' : `identifiers.${asked[0].name}`;
    if (distinct.size > 1) {
      return {
        errors: [
          {
            line: rows[index]!.line,
            message: `${asked.map(({ name }) => `identifiers.${name}`).join(' and ')}${given ? ' and id' : ''} name different stones`,
          },
        ],
      };
    }
    return { id: [...distinct][0] ?? given, key };
  });
}

function lookupOf(row: CandidateRow, scope: ImportScope): Lookup {
  const identifiers = (row.fields.identifiers ?? {}) as Record<string, unknown>;
  const owner = row.fields.owner as { org?: unknown } | undefined;
  const org = scope.org ?? (typeof owner?.org === 'string' ? owner.org : undefined);
  const given = typeof row.fields.id === 'string' ? row.fields.id : undefined;
  const names = importKeys.filter((name) => identifiers[name] !== undefined);
  if (names.length === 0 && given === undefined) {
    return {
      errors: [
        {
          line: row.line,
          message:
            'the row names no identifiers.producerRef or identifiers.roughControlNumber: without one, importing it again would register the stone twice',
        },
      ],
    };
  }
  const asked: { name: (typeof importKeys)[number]; value: string }[] = [];
  for (const name of names) {
    try {
      asked.push({ name, value: normaliseIdentifier(name, identifiers[name]) });
    } catch (error) {
      if (!(error instanceof StoreInputError)) throw error;
      const source = row.sourceOf(`/identifiers/${name}`);
      return {
        errors: [{ line: row.line, column: source?.column ?? `identifiers.${name}`, message: error.message }],
      };
    }
  }
  return { asked, ...(given === undefined ? {} : { given }), ...(org === undefined ? {} : { org }) };
}

// The stored stone with the row's fields over it: a section the row names (origin, rough, polished...)
// takes the row's members and keeps the others, so an import never removes what a platform added.
function mergeRow(existing: StoredDiamond, fields: Record<string, unknown>): DiamondRecord {
  const { sources: _sources, ...record } = structuredClone(existing.record) as DiamondRecord &
    Record<string, unknown>;
  const target = record as Record<string, unknown>;
  for (const [section, value] of Object.entries(fields)) {
    const current = target[section];
    if (isPlainObject(value) && isPlainObject(current)) {
      const merged: Record<string, unknown> = { ...current };
      for (const [member, inner] of Object.entries(value)) {
        const before = merged[member];
        merged[member] =
          section === 'extensions' && isPlainObject(inner) && isPlainObject(before)
            ? { ...before, ...inner }
            : inner;
      }
      target[section] = merged;
    } else target[section] = value;
  }
  return record;
}

function withDefaults(fields: Record<string, unknown>): DiamondRecord {
  // A producer's file lists rough stones as mined; a row says otherwise with a kind column.
  const record: Record<string, unknown> = { schemaVersion: '1', kind: 'rough', ...fields };
  return record as DiamondRecord;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
