import { giaSampleRoughRecords } from './samples.js';
import type { IntakeWrite, RoughRecord } from './types.js';

/** The fields a producer submits for one rough stone. */
export type RoughSubmission = Omit<RoughRecord, 'received_at' | 'updated_at'>;

const submittedFields = [
  'rough_control_no',
  'mine_company',
  'mine_name',
  'country_of_origin',
  'rough_weight_carats',
  'kp_certificate',
  'producer_ref',
] as const;

/** A submission the intake refuses, naming the field and the value. */
export class IntakeValidationError extends Error {
  override readonly name = 'IntakeValidationError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${field} must be ${expected}; got ${JSON.stringify(value) ?? 'nothing'}`);
  }
}

const controlNumberPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/;

/** Checks a submitted body and answers the submission; throws {@link IntakeValidationError}. */
export function parseRoughSubmission(body: unknown): RoughSubmission {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new IntakeValidationError('body', body, 'a JSON object');
  }
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(submittedFields as readonly string[]).includes(key)) {
      throw new IntakeValidationError(
        key,
        input[key],
        `absent (unknown field; known: ${submittedFields.join(', ')})`,
      );
    }
  }
  const text = (field: string, optional = false): string | undefined => {
    const value = input[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
      throw new IntakeValidationError(field, value, 'a non-empty string of at most 200 characters');
    }
    return value;
  };
  const controlNumber = text('rough_control_no')!;
  if (!controlNumberPattern.test(controlNumber)) {
    throw new IntakeValidationError(
      'rough_control_no',
      controlNumber,
      '3 to 64 letters, digits, ".", "_", "/" or "-"',
    );
  }
  const weight = input.rough_weight_carats;
  if (
    typeof weight !== 'number' ||
    !Number.isFinite(weight) ||
    weight <= 0 ||
    weight > 100_000 ||
    Math.abs(weight * 1000 - Math.round(weight * 1000)) > 1e-6
  ) {
    throw new IntakeValidationError(
      'rough_weight_carats',
      weight,
      'a weight in carats above 0 with at most 3 decimals',
    );
  }
  const submission: RoughSubmission = {
    rough_control_no: controlNumber,
    mine_company: text('mine_company')!,
    mine_name: text('mine_name')!,
    country_of_origin: text('country_of_origin')!,
    rough_weight_carats: weight,
  };
  const kp = text('kp_certificate', true);
  if (kp !== undefined) submission.kp_certificate = kp;
  const producerRef = text('producer_ref', true);
  if (producerRef !== undefined) submission.producer_ref = producerRef;
  return submission;
}

/** The submitted fields on which two submissions of one rough stone differ. */
export function differingFields(record: RoughRecord, submission: RoughSubmission): string[] {
  return submittedFields.filter((field) => record[field] !== submission[field]);
}

/**
 * The Mine-to-Market intake: rough records keyed by `rough_control_no`, in the order they arrived, and a
 * log of every committed write so a test can prove a write landed exactly once.
 */
export class RoughIntake {
  readonly records = new Map<string, RoughRecord>();
  readonly writes: IntakeWrite[] = [];

  constructor(
    private readonly seed: boolean,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.records.clear();
    this.writes.length = 0;
    if (this.seed)
      for (const record of giaSampleRoughRecords) this.records.set(record.rough_control_no, { ...record });
  }

  /**
   * Creates a record, or answers the existing one when the same content arrives again. A resubmission
   * with other content changes nothing and names the fields that differ.
   */
  submit(
    submission: RoughSubmission,
  ): { outcome: 'created' | 'existing'; record: RoughRecord } | { outcome: 'conflict'; fields: string[] } {
    const existing = this.records.get(submission.rough_control_no);
    if (!existing) return { outcome: 'created', record: this.commit(submission, 'create') };
    const fields = differingFields(existing, submission);
    return fields.length === 0 ? { outcome: 'existing', record: existing } : { outcome: 'conflict', fields };
  }

  /** Replaces a record with the submission (creating it if new); an identical replacement writes nothing. */
  replace(submission: RoughSubmission): {
    outcome: 'created' | 'updated' | 'unchanged';
    record: RoughRecord;
  } {
    const existing = this.records.get(submission.rough_control_no);
    if (!existing) return { outcome: 'created', record: this.commit(submission, 'create') };
    if (differingFields(existing, submission).length === 0) return { outcome: 'unchanged', record: existing };
    return { outcome: 'updated', record: this.commit(submission, 'update', existing.received_at) };
  }

  /** Records from position `offset` in arrival order, at most `limit`, and where the next page starts. */
  list(offset: number, limit: number): { items: RoughRecord[]; next: number | null } {
    const all = [...this.records.values()];
    const items = all.slice(offset, offset + limit);
    return { items, next: offset + items.length < all.length ? offset + items.length : null };
  }

  private commit(submission: RoughSubmission, op: IntakeWrite['op'], receivedAt?: string): RoughRecord {
    const at = new Date(this.now()).toISOString();
    const record: RoughRecord = { ...submission, received_at: receivedAt ?? at, updated_at: at };
    this.records.set(record.rough_control_no, record);
    this.writes.push({ seq: this.writes.length + 1, at, op, rough_control_no: record.rough_control_no });
    return record;
  }
}
