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

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

/** A benchmark: a name and a function answering its figures. */
export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}
