/**
 * `npm run bench`: runs every benchmark, prints a table, and writes bench/results.json (an array of
 * `{name, value, unit, baseline, ratio, target, pass}`). `npm run bench -- NAME...` runs only those.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { clusterBenchmark } from './cluster.js';
import type { Benchmark, Figure } from './figure.js';
import { importBenchmark } from './import.js';
import { lookupBenchmark } from './lookup.js';
import { mappingBenchmark } from './mapping.js';
import { reconcileBenchmark } from './reconcile.js';
import { syncBenchmark } from './sync.js';
import { writePathBenchmark } from './write-path.js';

const benchmarks: Benchmark[] = [
  mappingBenchmark,
  syncBenchmark,
  lookupBenchmark,
  reconcileBenchmark,
  importBenchmark,
  writePathBenchmark,
  clusterBenchmark,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = only.length > 0 ? benchmarks.filter((b) => only.includes(b.name)) : benchmarks;
  const figures: Figure[] = [];
  for (const benchmark of chosen) {
    process.stderr.write(`running ${benchmark.name}...\n`);
    figures.push(...(await benchmark.run()));
  }
  printTable(figures);
  await writeFile(join(packageRoot, 'bench', 'results.json'), `${JSON.stringify(figures, null, 2)}\n`);
  if (figures.some((f) => !f.pass)) process.exitCode = 1;
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    `${f.baseline} ${f.unit}`,
    f.spread ? `${f.ratio} (${f.spread.lowest}-${f.spread.highest}, n=${f.spread.repeats})` : String(f.ratio),
    String(f.target),
    f.pass ? 'pass' : 'FAIL',
  ]);
  const header = ['figure', 'value', 'baseline', 'ratio (spread)', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`);
  }
}

await main();
