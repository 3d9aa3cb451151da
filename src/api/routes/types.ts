import type { Response } from 'express';
import type { Principal, Role } from '../auth.js';
import type { RequestWithRawBody } from '../json-body.js';
import type { BridgeMetrics } from '../../metrics/bridge-metrics.js';
import type { SchemaName } from '../schemas.js';
import type { ApiServices } from '../services.js';

/**
 * A route, defined once as data: the app mounts it, checks its bodies against its schemas, and the OpenAPI
 * document is generated from the same definition.
 */

/** Who may call a route: anyone, a signed webhook, or a principal holding one of the roles. */
export type Access = 'public' | 'signed' | readonly Role[];

/** A documented query or path parameter. */
export interface ParameterSpec {
  name: string;
  description: string;
  required?: boolean;
  /** JSON Schema of the parameter's value. */
  schema: Record<string, unknown>;
}

/** One documented response. */
export interface ResponseSpec {
  description: string;
  /** Schema of a JSON body; `problem` bodies are sent as application/problem+json. */
  schema?: SchemaName;
  /** Content type of a body that is not JSON (`text/html`, `text/plain`). */
  contentType?: string;
  /** Response headers worth documenting, by name. */
  headers?: Record<string, string>;
}

/** What a handler is given. */
export interface RouteContext {
  req: RequestWithRawBody;
  res: Response;
  services: ApiServices;
  metrics: BridgeMetrics;
  /** Null on public and signed routes. */
  principal: Principal | null;
  /** The request body, already checked against `requestBody` (signed routes check it after the signature). */
  body: unknown;
  /** The OpenAPI document of the app the route is mounted in. */
  openapi: () => Record<string, unknown>;
}

/** What a handler answers; the app checks a JSON `body` against the status's schema before sending. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON, sent as is with the response spec's content type. */
  text?: string;
  /** The handler has already streamed the answer to `res` (a large report); nothing more is sent. */
  streamed?: true;
}

/** A route as data. */
export interface RouteDefinition {
  method: 'get' | 'post';
  /** Express path (`/v1/diamonds/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** Count the call against the caller's rate limit. Default true for every route but operations. */
  rateLimited?: boolean;
  pathParams?: ParameterSpec[];
  query?: ParameterSpec[];
  /** Schema of the JSON request body. */
  requestBody?: SchemaName;
  /**
   * The route creates something: it takes an `Idempotency-Key` header, and a repeat with the same key and
   * request answers the first answer instead of creating again (src/api/idempotency.ts).
   */
  idempotent?: true;
  /**
   * A body that is not JSON, left unread for the handler to stream (a bulk import's file): the content
   * types it accepts, documented in the OpenAPI document.
   */
  streamedBody?: { contentTypes: readonly string[]; description: string };
  responses: Record<number, ResponseSpec>;
  handler(context: RouteContext): Promise<RouteResult>;
}

/** Pass-through that keeps a route's literal types checked against {@link RouteDefinition}. */
export function defineRoute(route: RouteDefinition): RouteDefinition {
  return route;
}
