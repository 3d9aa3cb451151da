import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bridge's Prometheus metrics, on a registry of their own (not prom-client's global default), so two
 * apps in one process (tests, the benchmark) never register the same metric twice.
 */

/** Queue figures read when Prometheus scrapes. */
export interface QueueFigures {
  /** Jobs per platform queue and state (`waiting`, `active`, `delayed`, `failed`, `completed`). */
  depths(): Promise<Array<{ platform: string; state: string; count: number }>>;
}

/** The metrics one app instance records. */
export interface BridgeMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly platformDuration: Histogram<'platform' | 'operation' | 'outcome'>;
  readonly platformErrors: Counter<'platform' | 'operation' | 'failure'>;
  /** Stones written, by platform and outcome: created, updated, unchanged, or the failure's class. */
  readonly platformWrites: Counter<'platform' | 'outcome'>;
  readonly lookupStatus: Counter<'platform' | 'status'>;
  readonly webhooks: Counter<'platform' | 'outcome'>;
  /** Reports queue depths (and completed/failed counts, the job outcomes) at each scrape. */
  watchQueues(figures: QueueFigures): void;
}

/** A fresh registry with every bridge metric and Node's default process metrics. */
export function createMetrics(): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tracebridge_' });
  let queues: QueueFigures | undefined;
  const metrics: BridgeMetrics = {
    registry,
    httpDuration: new Histogram({
      name: 'tracebridge_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    platformDuration: new Histogram({
      name: 'tracebridge_platform_call_duration_seconds',
      help: 'Platform call latency by platform, operation and outcome',
      labelNames: ['platform', 'operation', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    platformErrors: new Counter({
      name: 'tracebridge_platform_errors_total',
      help: 'Failed platform calls by platform, operation and failure class (retryable, unrecoverable)',
      labelNames: ['platform', 'operation', 'failure'],
      registers: [registry],
    }),
    platformWrites: new Counter({
      name: 'tracebridge_platform_writes_total',
      help: 'Stones written per platform by outcome (created, updated, unchanged) or failure class (retryable, unrecoverable, unclassified)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    lookupStatus: new Counter({
      name: 'tracebridge_lookup_platform_answers_total',
      help: 'Lookup answers per platform by status (found, not_found, error, timeout)',
      labelNames: ['platform', 'status'],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'tracebridge_webhooks_total',
      help: 'Webhook deliveries by platform and outcome',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    watchQueues(figures) {
      queues = figures;
    },
  };
  new Gauge({
    name: 'tracebridge_queue_jobs',
    help: 'Sync jobs per platform queue and state; completed and failed are the job outcomes',
    labelNames: ['platform', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!queues) return;
      for (const { platform, state, count } of await queues.depths()) this.set({ platform, state }, count);
    },
  });
  return metrics;
}
