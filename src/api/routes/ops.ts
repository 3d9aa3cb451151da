import { docsPage } from '../docs.js';
import { platformHealth, redisHealth } from '../health.js';
import { defineRoute } from './types.js';

/** `GET /healthz`: the process is up. Asks nothing of its dependencies. */
export const healthz = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthz',
  summary: 'Liveness: the process is up',
  tag: 'operations',
  access: 'public',
  rateLimited: false,
  responses: { 200: { description: 'Up.', schema: 'health' } },
  handler: () => Promise.resolve({ status: 200, body: { status: 'ok' } }),
});

/** `GET /readyz`: Redis and every platform answer; 503 naming what does not. */
export const readyz = defineRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  summary: 'Readiness: Redis and every platform answer',
  tag: 'operations',
  access: 'public',
  rateLimited: false,
  responses: {
    200: { description: 'Ready.', schema: 'readiness' },
    503: { description: 'Not ready; the checks say which dependency failed.', schema: 'readiness' },
  },
  async handler({ services }) {
    const timeoutMs = services.healthTimeoutMs ?? 2_000;
    const [redis, platforms] = await Promise.all([
      redisHealth(services.store.redis, timeoutMs),
      platformHealth(services.clients, timeoutMs),
    ]);
    const checks = { redis, ...platforms };
    const ready = Object.values(checks).every((check) => check.ok);
    return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', checks } };
  },
});

/** `GET /metrics`: Prometheus text format. */
export const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  tag: 'operations',
  access: 'public',
  rateLimited: false,
  responses: { 200: { description: 'Metrics in the Prometheus text format.', contentType: 'text/plain' } },
  async handler(context) {
    const { metrics } = context;
    return {
      status: 200,
      text: await metrics.registry.metrics(),
      headers: { 'content-type': metrics.registry.contentType },
    };
  },
});

/** `GET /openapi.json`: the OpenAPI 3.1 document, generated from the route definitions and schemas/. */
export const openapiRoute = defineRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'openapi',
  summary: 'This API as an OpenAPI 3.1 document',
  tag: 'operations',
  access: 'public',
  rateLimited: false,
  responses: { 200: { description: 'The OpenAPI document.', contentType: 'application/json' } },
  handler: ({ openapi }) =>
    Promise.resolve({
      status: 200,
      text: JSON.stringify(openapi()),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    }),
});

/** `GET /docs`: a self-contained page rendering the OpenAPI document. */
export const docsRoute = defineRoute({
  method: 'get',
  path: '/docs',
  operationId: 'docs',
  summary: 'API reference page',
  tag: 'operations',
  access: 'public',
  rateLimited: false,
  responses: { 200: { description: 'The API reference as HTML.', contentType: 'text/html' } },
  handler: ({ openapi }) =>
    Promise.resolve({
      status: 200,
      text: docsPage(openapi()),
      headers: { 'content-type': 'text/html; charset=utf-8' },
    }),
});
