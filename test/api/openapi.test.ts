/** The OpenAPI document is valid OpenAPI 3.1 and describes every route the app serves, and nothing else. */
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
let document: {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};

beforeAll(async () => {
  bridge = await startBridge({ queues: false });
  document = (await request(bridge.app).get('/openapi.json')).body as typeof document;
});
afterAll(async () => {
  await bridge.close();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  /** A mounted router (the provenance page's) carries its own stack. */
  handle?: { stack?: Layer[] };
}

/**
 * `METHOD /path/{param}` for every route registered on the app's router and the routers mounted on it,
 * less the page's own stylesheet, script and icon under /web/, which are files, not API.
 */
function servedRoutes(
  stack = (bridge.app as unknown as { router: { stack: Layer[] } }).router.stack,
): string[] {
  return stack.flatMap((layer) => {
    if (layer.handle?.stack) return servedRoutes(layer.handle.stack);
    if (!layer.route || layer.route.path.startsWith('/web/')) return [];
    const path = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    return Object.keys(layer.route.methods)
      .filter((method) => method !== '_all')
      .map((method) => `${method.toUpperCase()} ${path}`);
  });
}

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route the app serves, and documents no route it does not serve', () => {
    const served = new Set(servedRoutes());
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    documented.delete('GET /admin/queues'); // a mounted UI, not a route on the app's router
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBeGreaterThanOrEqual(16);
  });

  it('documents the problem answers of protected routes and the fixed shapes clients rely on', () => {
    const lookup = document.paths['/v1/lookup']!.get!;
    expect(Object.keys(lookup.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '429', '500']),
    );
    const schemas = (
      document as unknown as { components: { schemas: Record<string, { required?: string[] }> } }
    ).components.schemas;
    expect(schemas.Mismatch?.required).toEqual(['diamondId', 'field', 'values', 'severity', 'authority']);
    expect(schemas.LookupAnswer?.required).toEqual(
      expect.arrayContaining(['diamondId', 'platforms', 'merged', 'mismatches']),
    );
    expect(schemas.DiamondRecord).toBeDefined();
  });
});
