// Types for trade.js, which ships to the browser as written.

/** A carat weight as GIA prints it: 1.768 -> "1.76", 1.769 -> "1.77". */
export function giaCarats(carats: number): string;

/** A graded value in the trade's words with the canonical code it stands for, or undefined for a path with no vocabulary. */
export function tradeWords(
  vocabulary: Readonly<Record<string, Readonly<Record<string, string>>>>,
  path: string,
  value: unknown,
): { words: string; code: string } | undefined;
