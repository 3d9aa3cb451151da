import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';
import { validateDiamond } from '../mapping/validate.js';
import { webRoutes } from '../web/index.js';
import { bearerKey, type Principal, type Role } from './auth.js';
import { problemHandler } from './errors.js';
import { idempotency } from './idempotency.js';
import { jsonBody, type RequestWithRawBody } from './json-body.js';
import { createMetrics, type BridgeMetrics } from '../metrics/bridge-metrics.js';
import { observeRequests } from './request-log.js';
import { openApiDocument, type DocumentedPage } from './openapi.js';
import { ApiProblem, sendProblem } from './problem.js';
import { queueBoard } from './queue-board.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { apiRoutes } from './routes/index.js';
import type { RouteDefinition, RouteResult } from './routes/types.js';
import { apiSchemas } from './schemas.js';
import type { ApiServices } from './services.js';

/** The pages mounted outside the route table, documented in the OpenAPI document with the routes. */
export const mountedPages: readonly DocumentedPage[] = [
  { path: '/', summary: 'The provenance lookup page' },
  { path: '/producer', summary: "The producer's page: imports, its stones on each platform, disagreements" },
  { path: '/admin/queues', summary: 'Queue dashboard (Bull Board)', roles: ['admin'] },
];

/** An app built by {@link createApp}, with the metrics it records. */
export type BridgeApp = Express & { readonly metrics: BridgeMetrics };

/**
 * The HTTP API (DESIGN.md section 7) over injected services. Routes come from the route table; each call
 * is authenticated, rate-limited per key, its body read strictly and checked against its schema, and its
 * JSON answer checked against the response schema before it leaves.
 */
export function createApp(services: ApiServices): BridgeApp {
  const schemas = apiSchemas();
  const metrics = services.metrics ?? createMetrics();
  const limiter = createRateLimiter(services.store.redis, {
    limit: services.rateLimit.limit,
    windowMs: services.rateLimit.windowMs,
    prefix: services.store.keys.prefix,
  });
  const document = openApiDocument(apiRoutes, mountedPages);
  const keyedRequests = idempotency({
    redis: services.store.redis,
    prefix: services.store.keys.prefix,
    logger: services.logger,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  // Every answer is computed afresh (a lookup asks the platforms each time), so a hash of each body for
  // If-None-Match would cost a full pass over it and never spare the work.
  app.set('etag', false);
  app.use(helmet());
  app.use(observeRequests(metrics, services.logger));

  app.use(webRoutes()); // the provenance lookup page (src/web): `GET /`, its stylesheet and its script
  const board = services.queues ? queueBoard(services.queues, '/admin/queues') : undefined;
  app.use('/admin/queues', authenticate(services, limiter, ['admin']), board ?? unavailableBoard);

  for (const route of apiRoutes) {
    const chain: RequestHandler[] = [];
    if (route.access !== 'public' || route.rateLimited !== false)
      chain.push(authenticate(services, limiter, route));
    if (route.method === 'post' && !route.streamedBody)
      chain.push(...jsonBody({ limitBytes: services.bodyLimitBytes ?? 1024 * 1024 }));
    if (route.idempotent) chain.push(keyedRequests);
    chain.push(handle(route, services, metrics, schemas, () => document));
    app[route.method](route.path, ...chain);
  }
  app.use(notFound(apiRoutes));
  app.use(problemHandler(services.logger));
  return Object.assign(app, { metrics });
}

function authenticate(
  services: ApiServices,
  limiter: RateLimiter,
  route: RouteDefinition | readonly Role[],
): RequestHandler {
  const access = Array.isArray(route) ? route : (route as RouteDefinition).access;
  const rateLimited = Array.isArray(route) || (route as RouteDefinition).rateLimited !== false;
  return async (req, res, next) => {
    const presented = bearerKey(req.get('authorization'));
    const principal = presented === undefined ? null : services.keyring.authenticate(presented);
    res.locals.principal = principal;
    if (rateLimited && limiter.enabled) {
      // A caller without a valid key is counted by address, so guessing keys is rate-limited too.
      const decision = await limiter.hit(
        principal ? `key:${principal.name}` : `ip:${req.socket.remoteAddress ?? '?'}`,
      );
      res.set('RateLimit-Limit', String(decision.limit));
      res.set('RateLimit-Remaining', String(decision.remaining));
      if (!decision.allowed) {
        const seconds = String(Math.max(1, Math.ceil(decision.resetMs / 1000)));
        throw new ApiProblem(
          'rate-limited',
          `rate limit of ${decision.limit} requests per window reached; retry in ${seconds} s`,
          undefined,
          { 'Retry-After': seconds },
        );
      }
    }
    if (access === 'public' || access === 'signed') return next();
    if (presented === undefined) {
      throw new ApiProblem('unauthenticated', 'send an API key as Authorization: Bearer <key>', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (!principal)
      throw new ApiProblem('unauthenticated', 'the API key is not valid', undefined, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    if (!(access as readonly Role[]).includes(principal.role)) {
      throw new ApiProblem(
        'forbidden',
        `a ${principal.role} key may not ${req.method} ${req.baseUrl || req.path}; this needs ${(access as readonly Role[]).join(' or ')}`,
      );
    }
    next();
  };
}

function handle(
  route: RouteDefinition,
  services: ApiServices,
  metrics: BridgeMetrics,
  schemas: ReturnType<typeof apiSchemas>,
  openapi: () => Record<string, unknown>,
): RequestHandler {
  return async (req: RequestWithRawBody, res) => {
    if (route.requestBody && route.access !== 'signed') {
      if (req.body === undefined)
        throw new ApiProblem('invalid-request', 'a JSON body is required', [
          { pointer: '', message: 'required' },
        ]);
      if (route.requestBody === 'diamond') {
        const validation = validateDiamond(req.body);
        if (!validation.valid) {
          throw new ApiProblem(
            'invalid-record',
            `the record is not valid: ${validation.errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`,
            validation.errors,
          );
        }
      } else {
        const problems = schemas.check(route.requestBody, req.body);
        if (problems.length > 0)
          throw new ApiProblem(
            'invalid-request',
            problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; '),
            problems,
          );
      }
    }
    const result = await route.handler({
      req,
      res,
      services,
      metrics,
      principal: (res.locals.principal as Principal | null) ?? null,
      body: req.body as unknown,
      openapi,
    });
    send(res, route, result, schemas, services);
  };
}

function send(
  res: Response,
  route: RouteDefinition,
  result: RouteResult,
  schemas: ReturnType<typeof apiSchemas>,
  services: ApiServices,
): void {
  if (result.streamed) return;
  res.status(result.status).set(result.headers ?? {});
  if (result.text !== undefined) {
    res.send(result.text);
    return;
  }
  const schema = route.responses[result.status]?.schema;
  if (schema) {
    const problems = schemas.check(schema, result.body);
    if (problems.length > 0) {
      // A wrong answer is a bug here, not the client's fault: log it and do not send it.
      services.logger.error(
        { route: route.path, status: result.status, problems },
        'response does not match its schema',
      );
      throw new ApiProblem(
        'internal',
        'the bridge produced an answer that does not match its documented schema; the error is logged',
      );
    }
  }
  res.json(result.body);
}

function notFound(routes: readonly RouteDefinition[]): RequestHandler {
  const patterns = routes.map((route) => ({
    method: route.method.toUpperCase(),
    pattern: new RegExp(`^${route.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`),
  }));
  return (req: Request, res: Response, _next: NextFunction) => {
    const allowed = patterns.filter((p) => p.pattern.test(req.path)).map((p) => p.method);
    const instance = req.path;
    if (allowed.length > 0) {
      res.set('Allow', [...new Set(allowed)].join(', '));
      sendProblem(
        res,
        new ApiProblem(
          'method-not-allowed',
          `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}`,
        ),
        instance,
      );
      return;
    }
    sendProblem(res, new ApiProblem('not-found', `nothing is served at ${req.method} ${req.path}`), instance);
  };
}

const unavailableBoard: RequestHandler = () => {
  throw new ApiProblem('unavailable', 'the sync queues are not running in this process');
};
