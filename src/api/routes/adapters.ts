import { platformHealth } from '../health.js';
import { defineRoute } from './types.js';

/** `GET /v1/adapters`: the platforms, what each can do, and whether each answers now. */
export const listAdapters = defineRoute({
  method: 'get',
  path: '/v1/adapters',
  operationId: 'listAdapters',
  summary: 'Adapters, their capabilities and health',
  tag: 'adapters',
  access: ['admin', 'producer', 'reader'],
  responses: { 200: { description: 'Every adapter the bridge runs with.', schema: 'adapter-list' } },
  async handler({ services }) {
    const health = await platformHealth(services.clients, services.healthTimeoutMs ?? 2_000);
    const adapters = [...services.adapters.values()].map((adapter) => ({
      name: adapter.name,
      description: adapter.description,
      capabilities: adapter.capabilities,
      authoritative: adapter.authoritative,
      health: health[adapter.name] ?? { ok: false, latencyMs: 0, detail: 'no client is connected' },
    }));
    return { status: 200, body: { adapters } };
  },
});
