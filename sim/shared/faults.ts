import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Faults a simulator injects into every platform call (DESIGN.md section 2). Admin and readiness routes are exempt. */
export interface Faults {
  /** Delay before each call is handled. */
  latencyMs: number;
  /** Share of calls (0..1) that fail with 503 before doing anything. */
  errorRate: number;
  /** Calls per second served before answering 429 with Retry-After; 0 means no limit. */
  rateLimitPerSec: number;
  /** Share of calls (0..1) that do their work, commit it, and then lose the reply (the socket is destroyed). */
  dropResponseRate: number;
}

export const noFaults: Faults = { latencyMs: 0, errorRate: 0, rateLimitPerSec: 0, dropResponseRate: 0 };

/** Mutable fault settings shared by a simulator's middleware and its admin route. */
export class FaultInjector {
  private faults: Faults = { ...noFaults };
  private windowStart = 0;
  private callsInWindow = 0;

  constructor(private readonly random: () => number = Math.random) {}

  current(): Faults {
    return { ...this.faults };
  }

  /** Replaces the named settings; throws with the field's name on a value out of range. */
  set(patch: unknown): Faults {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new TypeError('faults must be a JSON object');
    }
    const next = { ...this.faults };
    for (const [key, value] of Object.entries(patch)) {
      if (!(key in noFaults)) throw new TypeError(`unknown fault '${key}'`);
      const isRate = key === 'errorRate' || key === 'dropResponseRate';
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (isRate && value > 1)) {
        throw new TypeError(`${key} must be a number ${isRate ? 'from 0 to 1' : 'of 0 or more'}`);
      }
      next[key as keyof Faults] = value;
    }
    this.faults = next;
    return this.current();
  }

  reset(): void {
    this.faults = { ...noFaults };
    this.callsInWindow = 0;
  }

  /** Express middleware applying the current faults to one call. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const { latencyMs, errorRate, rateLimitPerSec, dropResponseRate } = this.faults;
      const proceed = (): void => {
        if (rateLimitPerSec > 0 && !this.admit(rateLimitPerSec)) {
          const retryAfter = Math.max(1, Math.ceil((this.windowStart + 1000 - Date.now()) / 1000));
          res.status(429).set('Retry-After', String(retryAfter)).json({ message: 'Too Many Requests' });
          return;
        }
        if (errorRate > 0 && this.random() < errorRate) {
          res.status(503).json({ message: 'Service Unavailable (injected fault)' });
          return;
        }
        if (dropResponseRate > 0 && this.random() < dropResponseRate) loseReply(req, res);
        next();
      };
      if (latencyMs > 0) setTimeout(proceed, latencyMs);
      else proceed();
    };
  }

  private admit(limit: number): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.callsInWindow = 0;
    }
    this.callsInWindow += 1;
    return this.callsInWindow <= limit;
  }
}

/** The handler runs to completion (its write commits); only the bytes of the reply never leave. */
function loseReply(req: Request, res: Response): void {
  const destroy = (): Response => {
    req.socket.destroy();
    return res;
  };
  res.end = destroy as Response['end'];
  res.write = (() => {
    req.socket.destroy();
    return false;
  }) as Response['write'];
}
