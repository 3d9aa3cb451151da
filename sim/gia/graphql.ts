import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { execute, parse, validate, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import type { AssetSigner } from './assets.js';
import type { Plan, ReportRegistry, StoredReport } from './registry.js';
import { giaSchema } from './schema.js';

/** The body GIA sends with HTTP 403 for a missing or unknown key. */
export const authorizationDenied = { message: 'Authorization denied.' } as const;

/** Page size of `getChangedReports` when the client gives no `limit`, and the largest it may ask for. */
export const changedReportsPage = { defaultLimit: 50, maxLimit: 500 } as const;

/** A failure GIA reports inside `errors[]` with its own `errorType` and `errorInfo`. */
export class GiaError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorInfo: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** What each resolver knows about the call. */
interface CallContext {
  plan: Plan;
  /** Scheme and host the client called, for asset links that point back at this server. */
  baseUrl: string;
}

/** `POST /graphql`: GIA's Report Results API over GraphQL, authorised by the bare key in `Authorization`. */
export function graphqlRoutes(registry: ReportRegistry, signer: AssetSigner): Router {
  const rootValue = resolvers(registry, signer);
  const router = express.Router();
  router.post(
    '/graphql',
    express.text({ type: () => true, limit: '1mb' }),
    async (req: Request, res: Response) => {
      const plan = registry.planFor(req.get('authorization'));
      if (!plan) {
        res.status(403).json(authorizationDenied);
        return;
      }
      const request = parseRequest(typeof req.body === 'string' ? req.body : '');
      if ('malformed' in request) {
        res
          .status(400)
          .json({ errors: [{ message: request.malformed, errorType: 'MalformedHttpRequestException' }] });
        return;
      }
      const prepared = prepare(request.query);
      const result: ExecutionResult =
        'errors' in prepared
          ? prepared
          : await execute({
              schema: giaSchema,
              document: prepared.document,
              rootValue,
              contextValue: {
                plan,
                baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
              } satisfies CallContext,
              variableValues: request.variables,
              operationName: request.operationName,
            });
      res.json(giaBody(result));
    },
  );
  return router;
}

/** Documents already parsed and validated, by query text: clients send the same few queries again and again. */
const documents = new Map<string, { document: DocumentNode }>();
const maxDocuments = 256;

/** The query parsed and validated against GIA's schema, or the errors that stop it from running. */
function prepare(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  const known = documents.get(query);
  if (known) return known;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(giaSchema, document);
  if (errors.length > 0) return { errors };
  // A client inventing queries cannot grow this without bound: past the bound it starts afresh.
  if (documents.size >= maxDocuments) documents.clear();
  const prepared = { document };
  documents.set(query, prepared);
  return prepared;
}

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
}

function parseRequest(text: string): GraphqlRequest | { malformed: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { malformed: 'Invalid JSON payload in POST request.' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { malformed: 'The request body must be a JSON object with "query" and optional "variables".' };
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string')
    return { malformed: `"query" must be a string; got ${JSON.stringify(query)}` };
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return { malformed: `"variables" must be an object; got ${JSON.stringify(variables)}` };
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return { malformed: `"operationName" must be a string; got ${JSON.stringify(operationName)}` };
  }
  return {
    query,
    variables: (variables as Record<string, unknown> | null | undefined) ?? null,
    operationName: operationName ?? null,
  };
}

/**
 * GIA's error shape: `errorType` and `errorInfo` at the top level of each error, `data: null` beside the
 * path, and locations with `sourceName`. A request that never ran (parse or validation failure) answers
 * `data: null` and errorType "ValidationError".
 */
function giaBody(result: ExecutionResult): Record<string, unknown> {
  if (!result.errors) return { data: result.data ?? null };
  const ran = result.data !== undefined;
  const errors = result.errors.map((error) => {
    const gia = error.originalError instanceof GiaError ? error.originalError : null;
    return {
      path: error.path ?? null,
      data: null,
      errorType: gia?.errorType ?? (ran ? null : 'ValidationError'),
      errorInfo: gia?.errorInfo ?? null,
      locations: error.locations?.map(({ line, column }) => ({ line, column, sourceName: null })) ?? null,
      message: error.message,
    };
  });
  return { data: result.data ?? null, errors };
}

function resolvers(registry: ReportRegistry, signer: AssetSigner) {
  const quota = (plan: Plan) => {
    const remaining = Math.max(0, plan.quota - plan.spent);
    const bucket = {
      id: `${plan.id}-bucket-1`,
      initial: plan.quota,
      remaining,
      expiration_date: new Date(plan.expiresAt).toISOString(),
      status: remaining > 0 ? 'ACTIVE' : 'EXHAUSTED',
    };
    return { remaining, buckets: [bucket] };
  };
  const present = (stored: StoredReport, context: CallContext, infoMessage: string | null) => {
    const { report } = stored;
    const { links, assets } = signer.present(context.baseUrl, report.report_number, report.links);
    return { ...report, links, assets, quota: quota(context.plan), info_message: infoMessage };
  };
  const servable = (reportNumber: string): StoredReport => {
    const stored = registry.resolve(reportNumber);
    if (!stored) {
      throw new GiaError(
        'REPORT UNAVAILABLE',
        'REPORT NOT FOUND',
        `This report does not exist or is not available through Report Check. For further information, please contact us. Code: ${randomUUID()}`,
      );
    }
    if (stored.availability === 'forbidden') {
      throw new GiaError(
        'REPORT NOT FOUND',
        'FORBIDDEN',
        `Report ${reportNumber} is not available to this API plan.`,
      );
    }
    if (stored.availability === 'in_house') {
      throw new GiaError(
        'REPORT UNAVAILABLE',
        'REPORT IN HOUSE',
        'The item with this report number is undergoing service by GIA. Once service is completed and the item is returned, report results will be displayed. Please try your search later.',
      );
    }
    return stored;
  };

  return {
    getReport({ report_number }: { report_number: string }, context: CallContext) {
      if (context.plan.spent >= context.plan.quota)
        throw new GiaError('QUOTA REACHED', 'PLAN QUOTA MET', 'QuotaUsageLimit');
      const stored = servable(report_number);
      const current = stored.report.report_number;
      registry.consumeLookup(context.plan, current);
      const info =
        current === report_number
          ? null
          : `The report number you requested (${report_number}) has been updated to report number ${current}.`;
      return present(stored, context, info);
    },

    getQuota(_args: unknown, context: CallContext) {
      return quota(context.plan);
    },

    isReportUpdated({ report_number, date }: { report_number: string; date: string }) {
      const since = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(date)
        ? Date.parse(date)
        : NaN;
      if (Number.isNaN(since)) {
        throw new GiaError(
          'INVALID ARGUMENT',
          'date',
          `date must be an ISO 8601 date such as 2020-06-08; got "${date}"`,
        );
      }
      const stored = registry.reports.get(report_number);
      if (!stored) servable(report_number);
      const updatedAt = stored?.updatedAt ?? null;
      const updated = updatedAt !== null && updatedAt > since;
      return { report_updated: updated, date_updated: updated ? new Date(updatedAt).toISOString() : null };
    },

    getChangedReports(
      { limit, cursor }: { limit?: number | null; cursor?: string | null },
      context: CallContext,
    ) {
      const size = limit ?? changedReportsPage.defaultLimit;
      if (size < 1 || size > changedReportsPage.maxLimit) {
        throw new GiaError(
          'INVALID ARGUMENT',
          'limit',
          `limit must be from 1 to ${changedReportsPage.maxLimit}; got ${size}`,
        );
      }
      const after = cursor === null || cursor === undefined ? 0 : decodeCursor(cursor);
      const page = registry.changes(context.plan, after, size);
      const results = page.reportNumbers.flatMap((number) => {
        const stored = registry.resolve(number);
        return stored ? [{ report: present(stored, context, null) }] : [];
      });
      return { results, endCursor: page.last === null ? null : encodeCursor(page.last) };
    },

    clearChangedReports(_args: unknown, context: CallContext) {
      registry.clearChanges(context.plan);
      return 'OK';
    },
  };
}

function encodeCursor(sequence: number): string {
  return Buffer.from(`changes:${sequence}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^changes:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new GiaError(
      'INVALID ARGUMENT',
      'cursor',
      `cursor "${cursor}" is not an endCursor this API returned`,
    );
  return Number(match[1]);
}
