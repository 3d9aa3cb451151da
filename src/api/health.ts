import { performance } from 'node:perf_hooks';
import type { PlatformClient, PlatformHealth } from '../adapters/contract.js';
import type { RedisClient } from '../store/scripts.js';

/** One dependency's health as `/readyz` and `/v1/adapters` report it. */
export interface HealthCheck {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

/** Runs `check`, answering not-ok with the reason when it throws or outlasts `timeoutMs`. */
export async function withTimeout(
  check: () => Promise<PlatformHealth>,
  timeoutMs: number,
): Promise<HealthCheck> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HealthCheck>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, latencyMs: elapsed(), detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const call = check().then(
    (health): HealthCheck => ({
      ok: health.ok,
      latencyMs: health.latencyMs,
      ...(health.detail === undefined ? {} : { detail: health.detail }),
    }),
    (error: unknown): HealthCheck => ({ ok: false, latencyMs: elapsed(), detail: (error as Error).message }),
  );
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redis answers PING. */
export function redisHealth(redis: RedisClient, timeoutMs: number): Promise<HealthCheck> {
  return withTimeout(async () => {
    const started = performance.now();
    const reply = await redis.ping();
    return {
      ok: reply === 'PONG',
      latencyMs: Math.round(performance.now() - started),
      ...(reply === 'PONG' ? {} : { detail: `PING answered ${String(reply)}` }),
    };
  }, timeoutMs);
}

/** Every platform's health, asked at once. */
export async function platformHealth(
  clients: ReadonlyMap<string, PlatformClient>,
  timeoutMs: number,
): Promise<Record<string, HealthCheck>> {
  const checks = await Promise.all(
    [...clients].map(
      async ([name, client]) => [name, await withTimeout(() => client.health(), timeoutMs)] as const,
    ),
  );
  return Object.fromEntries(checks);
}
