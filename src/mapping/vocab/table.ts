import { MappingError } from '../errors.js';

/**
 * The key a printed value is looked up by: case, accents, spaces and punctuation do not matter, so
 * "VVS-1", "vvs 1" and "VVS1" are one key, and so are "Ex." and "EX" or "Côte d'Ivoire" and "COTE DIVOIRE".
 */
export function vocabKey(printed: string): string {
  return printed
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** One vocabulary: its table of printed forms, a parser and the printed form platforms expect. */
export interface Vocabulary<Code extends string> {
  /** Every printed form accepted, each with the canonical code it means. */
  readonly table: readonly (readonly [printed: string, code: Code])[];
  /** The canonical codes, in the order of the scale. */
  readonly codes: readonly Code[];
  /** Answers the code for a printed form or a code; throws {@link MappingError} naming the pointer otherwise. */
  parse(value: unknown, pointer: string): Code;
  /** Answers the code for a printed form or a code, or undefined: for values that may name no code. */
  find(value: unknown): Code | undefined;
  /** The printed form of a code. */
  print(code: Code): string;
}

/**
 * Builds a vocabulary from its table. Two printed forms that share a key but mean different codes are a
 * mistake in the table, so they fail when the module loads rather than silently picking one.
 */
export function defineVocabulary<Code extends string>(definition: {
  /** What the error says was expected, e.g. "a clarity grade such as VS2 or Internally Flawless". */
  expected: string;
  codes: readonly Code[];
  table: readonly (readonly [printed: string, code: Code])[];
  printed: Readonly<Record<Code, string>>;
}): Vocabulary<Code> {
  const { expected, codes, table, printed } = definition;
  const byKey = new Map<string, Code>();
  const add = (form: string, code: Code): void => {
    const key = vocabKey(form);
    const existing = byKey.get(key);
    if (existing !== undefined && existing !== code) {
      throw new Error(`vocabulary table: "${form}" means both ${existing} and ${code}`);
    }
    byKey.set(key, code);
  };
  for (const code of codes) add(code, code);
  for (const [form, code] of table) add(form, code);
  for (const code of codes) add(printed[code], code);
  // Most values arrive exactly as a table spells them; those skip the Unicode normalisation of vocabKey.
  const exact = new Map<string, Code>([...codes.map((code) => [code, code] as const), ...table]);
  for (const code of codes) exact.set(printed[code], code);
  const find = (value: unknown): Code | undefined =>
    typeof value === 'string' ? (exact.get(value) ?? byKey.get(vocabKey(value))) : undefined;
  return {
    table,
    codes,
    parse(value, pointer) {
      const code = find(value);
      if (code === undefined) throw new MappingError(pointer, value, expected);
      return code;
    },
    find,
    print: (code) => printed[code],
  };
}
