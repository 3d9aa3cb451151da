/**
 * Mapping is never silent: every translation between a platform's record and the canonical record returns
 * the result together with a loss report naming each field that was dropped, rounded or guessed.
 */

/** What happened to one value on the way through a translation. */
export type LossKind =
  /** The value has no home on the other side and was left out. */
  | 'dropped'
  /** The value was kept with less precision (3-decimal carats, GIA's 2-decimal printed weights). */
  | 'rounded'
  /** The value was inferred rather than read (a shape from a cutting style, a scale from a grade). */
  | 'guessed'
  /** Two sources on the same side disagreed (GIA's printed string against its `data` block). */
  | 'conflict';

/** One entry of a loss report. */
export interface LossEntry {
  /** JSON pointer of the field, in the record the translation read (`/results/color_grade`). */
  pointer: string;
  kind: LossKind;
  /** A sentence a person can act on. */
  reason: string;
  /** The value before translation, when it helps to see it. */
  from?: unknown;
  /** The value after translation, when there is one. */
  to?: unknown;
}

/** A translated value and what the translation lost. */
export interface Translation<T> {
  value: T;
  loss: LossEntry[];
}

/** Collects loss entries while a transform runs; the transforms stay pure by owning one each. */
export class LossReport {
  readonly entries: LossEntry[] = [];

  add(entry: LossEntry): void {
    this.entries.push(entry);
  }

  dropped(pointer: string, from: unknown, reason: string): void {
    this.add({ pointer, kind: 'dropped', reason, from });
  }

  rounded(pointer: string, from: unknown, to: unknown, reason: string): void {
    this.add({ pointer, kind: 'rounded', reason, from, to });
  }

  guessed(pointer: string, to: unknown, reason: string): void {
    this.add({ pointer, kind: 'guessed', reason, to });
  }

  conflict(pointer: string, from: unknown, to: unknown, reason: string): void {
    this.add({ pointer, kind: 'conflict', reason, from, to });
  }

  result<T>(value: T): Translation<T> {
    return { value, loss: this.entries };
  }
}
