import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { RouteDefinition } from './routes/types.js';
import { apiSchemas } from './schemas.js';

/**
 * The OpenAPI 3.1 document, generated from the route definitions and the schemas in `schemas/`, never
 * written by hand: what the app serves and checks is what the document says. Schemas are copied into
 * `components.schemas` under their titles, with their `$defs` lifted beside them, and every `$ref`
 * rewritten to point there.
 */

/** A page the app serves outside the route table (a mounted UI), documented alongside the routes. */
export interface DocumentedPage {
  path: string;
  summary: string;
  /** Roles whose API key opens it; undefined for a public page. */
  roles?: readonly string[];
}

const standardProblems = {
  400: 'The request is not valid; `errors` names each field.',
  401: 'No valid API key (or webhook signature).',
  403: 'The API key may not do this.',
  413: 'The body is larger than the limit.',
  415: 'The body is not JSON.',
  429: 'Rate limit reached; wait for Retry-After seconds.',
  500: 'Internal error.',
} as const;

const idempotencyProblems = {
  409: 'A request with the same Idempotency-Key is still in progress; retry after Retry-After seconds.',
  422: 'The Idempotency-Key was first used with another request body.',
} as const;

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (a UUID): a repeat of the same request with the same key within 24 hours answers the first answer (with Idempotent-Replayed: true) instead of doing the work again. Keys belong to the API key that sends them.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

/** The OpenAPI document for `routes` and `pages`. */
export function openApiDocument(
  routes: readonly RouteDefinition[],
  pages: readonly DocumentedPage[] = [],
): Record<string, unknown> {
  const schemas = apiSchemas().byName;
  const names = new Map([...schemas].map(([stem, schema]) => [stem, componentName(stem, schema)]));
  const components: Record<string, unknown> = {};
  for (const [stem, schema] of schemas) {
    const {
      $defs,
      $id: _id,
      $schema: _dialect,
      ...body
    } = structuredClone(schema) as Record<string, unknown>;
    components[names.get(stem) as string] = rewriteRefs(body, stem, names);
    for (const [def, value] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
      components[`${names.get(stem)}_${def}`] = rewriteRefs(value, stem, names);
    }
  }
  const ref = (stem: string): { $ref: string } => ({
    $ref: `#/components/schemas/${names.get(stem) ?? stem}`,
  });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const contentType =
        spec.contentType ?? (spec.schema === 'problem' ? 'application/problem+json' : 'application/json');
      responses[status] = {
        description: spec.description,
        ...(spec.schema || spec.contentType
          ? { content: { [contentType]: spec.schema ? { schema: ref(spec.schema) } : {} } }
          : {}),
      };
    }
    const problems: number[] = [500];
    if (route.access !== 'public') problems.push(401);
    if (Array.isArray(route.access)) problems.push(403);
    if (route.rateLimited !== false) problems.push(429);
    if (route.requestBody) problems.push(400, 413, 415);
    if ((route.query ?? []).length > 0 || (route.pathParams ?? []).length > 0) problems.push(400);
    if (route.idempotent) {
      for (const [status, description] of Object.entries(idempotencyProblems)) {
        const documented = responses[status] as { description: string } | undefined;
        if (documented) documented.description = `${documented.description} ${description}`;
        else
          responses[status] = {
            description,
            content: { 'application/problem+json': { schema: ref('problem') } },
          };
      }
    }
    for (const status of problems) {
      responses[status] ??= {
        description: standardProblems[status as keyof typeof standardProblems],
        content: { 'application/problem+json': { schema: ref('problem') } },
      };
    }
    const parameters = [
      ...(route.pathParams ?? []).map((p) => ({
        name: p.name,
        in: 'path',
        required: true,
        description: p.description,
        schema: p.schema,
      })),
      ...(route.query ?? []).map((p) => ({
        name: p.name,
        in: 'query',
        required: p.required ?? false,
        description: p.description,
        schema: p.schema,
      })),
      ...(route.idempotent ? [idempotencyKeyParameter] : []),
    ];
    (paths[path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security:
        route.access === 'public'
          ? []
          : route.access === 'signed'
            ? [{ webhookSignature: [] }]
            : [{ bearerAuth: [] }],
      ...(Array.isArray(route.access) ? { 'x-roles': [...(route.access as readonly string[])] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref(route.requestBody) } },
            },
          }
        : {}),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    };
  }
  for (const page of pages) {
    (paths[page.path] ??= {}).get = {
      operationId: `page${page.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()) || 'Home'}`,
      summary: page.summary,
      tags: ['pages'],
      security: page.roles ? [{ bearerAuth: [] }] : [],
      ...(page.roles ? { 'x-roles': [...page.roles] } : {}),
      responses: { 200: { description: 'An HTML page.', content: { 'text/html': {} } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tracebridge',
      version: packageVersion(),
      description:
        'Interoperability bridge between diamond tracing platforms: register a stone once, look it up across every platform by any identifier, and reconcile the records that disagree. Errors are RFC 9457 problem details.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from TRACEBRIDGE_API_KEYS.' },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Tracebridge-Signature',
          description:
            'sha256=<hex HMAC-SHA256 of "<X-Tracebridge-Timestamp>.<raw body>"> with the adapter\'s shared secret.',
        },
      },
    },
  };
}

function componentName(stem: string, schema: Readonly<Record<string, unknown>>): string {
  return typeof schema.title === 'string'
    ? schema.title
    : stem.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

function rewriteRefs(value: unknown, stem: string, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, stem, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof member === 'string'
        ? componentRef(member, stem, names)
        : rewriteRefs(member, stem, names);
  }
  return out;
}

// `mismatch.schema.json`, `../diamond.schema.json#/$defs/x`, `#/$defs/y` -> `#/components/schemas/...`.
function componentRef(ref: string, stem: string, names: ReadonlyMap<string, string>): string {
  const [file = '', fragment = ''] = ref.split('#');
  const target = file === '' ? stem : (file.split('/').at(-1) ?? '').replace(/\.schema\.json$/, '');
  const name = names.get(target);
  if (name === undefined)
    throw new Error(`[tracebridge] [openapi] $ref ${ref} in ${stem} names no known schema`);
  const def = /^\/\$defs\/([^/]+)$/.exec(fragment)?.[1];
  if (fragment !== '' && def === undefined)
    throw new Error(`[tracebridge] [openapi] $ref ${ref} in ${stem} is not a $defs entry`);
  return `#/components/schemas/${def === undefined ? name : `${name}_${def}`}`;
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}
