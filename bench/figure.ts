/**
 * One figure of `npm run bench`. Machines are noisy, so every figure is a ratio to a baseline measured in
 * the same run; `target` is the ratio the figure must reach (at most, or at least, as `better` says).
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: number;
  pass: boolean;
  /** Over repeated measurements: how many, and the lowest and highest ratio seen. The figure is the median. */
  spread?: { repeats: number; lowest: number; highest: number };
}

/** Builds a figure from a measurement and its baseline; `better` says which way the ratio should go. */
export function figure(
  name: string,
  measured: { value: number; baseline: number; unit: string },
  target: { ratio: number; better: 'lower' | 'higher' },
): Figure {
  const ratio = measured.baseline === 0 ? Number.POSITIVE_INFINITY : measured.value / measured.baseline;
  return {
    name,
    value: round(measured.value),
    unit: measured.unit,
    baseline: round(measured.baseline),
    ratio: round(ratio),
    target: target.ratio,
    pass: target.better === 'lower' ? ratio <= target.ratio : ratio >= target.ratio,
  };
}

/** One measurement of a repeated figure and the baseline measured beside it. */
export interface Sample {
  value: number;
  baseline: number;
}

/**
 * A figure measured `samples.length` times (at least 3), each against its own baseline of the same round:
 * the median sample by ratio is the figure, and the spread of ratios is kept beside it.
 */
export function repeatedFigure(
  name: string,
  samples: readonly Sample[],
  unit: string,
  target: { ratio: number; better: 'lower' | 'higher' },
): Figure {
  if (samples.length < 3) throw new Error(`bench: ${name} needs at least 3 repeats, got ${samples.length}`);
  const ratioOf = (s: Sample): number => (s.baseline === 0 ? Number.POSITIVE_INFINITY : s.value / s.baseline);
  const sorted = [...samples].sort((a, b) => ratioOf(a) - ratioOf(b));
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    ...figure(name, { ...median, unit }, target),
    spread: {
      repeats: samples.length,
      lowest: round(ratioOf(sorted[0]!)),
      highest: round(ratioOf(sorted.at(-1)!)),
    },
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

/** A benchmark: a name and a function answering its figures. */
export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}
