/**
 * What the end-to-end benchmarks share: platform simulators (and, for the lookup, the API) in processes of
 * their own (so each one's CPU is its own), fault settings, a bounded-concurrency loop, polling with a
 * deadline, percentiles, and the rough stones a producer registers.
 */
import { readFileSync } from 'node:fs';
import {
  sandboxParticipant,
  spawnSimulator as startSimulator,
  spawnTracebridge as startTracebridge,
  type TracebridgeProcess,
} from '../src/ops/processes.js';
import type { DiamondRecord } from '../src/types/diamond.js';

/** A part of the system running as a `tracebridge` process of its own: a simulator, or the API. */
export interface SpawnedProcess {
  url: string;
  /** CPU seconds the process has used so far (Linux; 0 elsewhere). */
  cpuSeconds: () => number;
  stop(): Promise<void>;
}

/** A simulator running as `tracebridge sim NAME --port 0`. */
export type SpawnedSimulator = SpawnedProcess;

/** The ledger's sandbox producer the bridge signs as, as the demo does. */
export const benchParticipant = sandboxParticipant.participantId;
export const benchParticipantKey = sandboxParticipant.privateKey;

/** Starts `tracebridge sim NAME --port 0` and answers once it prints the URL it listens on. */
export async function spawnSimulator(name: 'tracr' | 'gia'): Promise<SpawnedSimulator> {
  return withCpu(await startSimulator(name));
}

/** {@link startTracebridge} with the process's CPU seconds readable. */
export async function spawnTracebridge(
  what: string,
  args: readonly string[],
  listening: RegExp,
  env: Readonly<Record<string, string>> = {},
): Promise<SpawnedProcess> {
  return withCpu(await startTracebridge(what, args, listening, env));
}

function withCpu(process: TracebridgeProcess): SpawnedProcess {
  return { url: process.url, cpuSeconds: () => processCpuSeconds(process.pid), stop: () => process.stop() };
}

/** User plus system CPU seconds of process `pid` from /proc; 0 where there is no /proc. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** User plus system CPU seconds of this process so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Redis's own CPU seconds so far, from `INFO cpu`. */
export async function redisCpuSeconds(redis: { info(section: 'cpu'): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  return ['used_cpu_user', 'used_cpu_sys']
    .map((field) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0))
    .reduce((a, b) => a + b, 0);
}

/** CPU seconds each part has used so far, for showing where a benchmark's time goes. */
export async function cpuSnapshot(
  parts: Record<string, () => number | Promise<number>>,
): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(parts).map(async ([name, read]) => [name, await read()] as const),
  );
  return Object.fromEntries(entries);
}

/** What each part used between two snapshots, as `name 1.2, other 0.4` (CPU seconds). */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): string {
  return Object.entries(after)
    .map(([name, used]) => `${name} ${(used - (before[name] ?? 0)).toFixed(1)}`)
    .join(', ');
}

/** Calls a simulator's admin route; throws with the route and the answer when it refuses. */
export async function simulatorAdmin(url: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${route}`, {
    method: body === undefined && route !== '/admin/reset' ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** Runs `work` over `items` with at most `concurrency` calls in flight, in order of the items. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** Polls `check` until it answers true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The `q`-th percentile (0..1) of `samples`, nearest rank. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('bench: percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * A rough stone as a producer registers it: a rough control number for GIA's Mine-to-Market intake and a
 * producer reference for the ledger, both unique to `lot` and `n`.
 */
export function roughStone(lot: string, n: number): DiamondRecord {
  const ref = `${lot}-${String(n).padStart(5, '0')}`;
  return {
    schemaVersion: '1',
    kind: 'rough',
    owner: { org: benchParticipant },
    identifiers: { roughControlNumber: `RCN-${ref}`, producerRef: ref },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
    rough: { caratWeight: Math.round((1 + (n % 5000) / 1000) * 1000) / 1000 },
  };
}
