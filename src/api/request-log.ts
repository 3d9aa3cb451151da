import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { BridgeMetrics } from '../metrics/bridge-metrics.js';

/** Probes polled every few seconds: timed like any call, but kept out of the access log. */
const quietPaths = new Set(['/healthz', '/metrics']);

/**
 * Times every request into the HTTP latency histogram and writes one access-log line when it finishes.
 * The line names the method, path, status and duration, never a header, so no key can reach the log; and
 * it is built only when `info` is enabled, so a bridge logging warnings and up pays nothing per request.
 */
export function observeRequests(metrics: BridgeMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = (req.route as { path?: string } | undefined)?.path ?? (req.baseUrl || 'unmatched');
      const status = res.statusCode;
      metrics.httpDuration.observe(
        { method: req.method, route: String(route), status: String(status) },
        seconds,
      );
      if (quietPaths.has(req.path) || !logger.isLevelEnabled('info')) return;
      const line = {
        req: { method: req.method, url: req.originalUrl },
        res: { statusCode: status },
        responseTime: Math.round(seconds * 10_000) / 10,
      };
      // A failure's stack is logged where it is turned into a problem (errors.ts); this line only counts it.
      logger.info(line, 'request completed');
    });
    next();
  };
}
