import type { Response } from 'express';
import { applyRunCorrections } from '../../reconcile/apply-run.js';
import { enqueueRun } from '../../reconcile/run-jobs.js';
import { runReportSource, writeReport, type ReportFormat } from '../../reconcile/report.js';
import { getRun, startRun, type RunScope } from '../../store/reconcile-runs.js';
import type { Principal } from '../auth.js';
import { ApiProblem, invalidField } from '../problem.js';
import { apiSchemas } from '../schemas.js';
import type { ApiServices } from '../services.js';
import { requireQueues } from './diamonds.js';
import { pageParams, pathParam } from './params.js';
import { defineRoute, type RouteResult } from './types.js';

const runIdPattern = /^rc_[0-9A-Za-z_-]{6,64}$/;

const runIdParam = pathParam('runId', 'The run ID (rc_...).');

/** `POST /v1/reconcile`: records a run over some stones or all of them and queues it for a worker. */
export const startReconcile = defineRoute({
  method: 'post',
  path: '/v1/reconcile',
  operationId: 'startReconcile',
  summary: 'Start a reconciliation run',
  description:
    "Compares every platform's view of the named stones (or of all stones) field by field with the trade's tolerances. The run is queued and answered at once; poll the run. With `refresh` the platforms are read again for the named stones first.",
  tag: 'reconcile',
  access: ['admin'],
  requestBody: 'reconcile-request',
  idempotent: true,
  responses: {
    202: { description: 'The run is queued.', schema: 'reconcile-started' },
    503: { description: 'The queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, body }) {
    const { refresh, ...scope } = body as RunScope & { refresh?: boolean };
    const queues = requireQueues(services);
    const runId = await startRun(services.store, scope, {
      actor: `api:${(principal as Principal).name}`,
    });
    await enqueueRun(queues.reconcile, runId, { refresh: refresh === true });
    return { status: 202, body: { runId }, headers: { location: `/v1/reconcile/${runId}` } };
  },
});

/** `GET /v1/reconcile/:runId`: a run's progress and report, as JSON, CSV or an HTML page. */
export const getReconcile = defineRoute({
  method: 'get',
  path: '/v1/reconcile/:runId',
  operationId: 'getReconcile',
  summary: 'A reconciliation run: status, progress, mismatches and unmatched stones',
  description:
    'JSON by default, a page of the findings at a time (`offset`, `limit`). `format=csv` streams every mismatch as text/csv, one row each; `format=html` streams a readable text/html report.',
  tag: 'reconcile',
  access: ['admin'],
  pathParams: [runIdParam],
  query: [
    {
      name: 'format',
      description: 'json (default), csv or html.',
      schema: { enum: ['json', 'csv', 'html'] },
    },
    {
      name: 'offset',
      description: 'JSON only: skip this many mismatches and unmatched stones (default 0).',
      schema: { type: 'integer', minimum: 0 },
    },
    {
      name: 'limit',
      description: 'JSON only: at most this many of each, 1 to 10000 (default 1000).',
      schema: { type: 'integer', minimum: 1, maximum: 10_000 },
    },
  ],
  responses: {
    200: { description: 'The run (CSV and HTML with format=csv|html).', schema: 'reconcile-run' },
    404: { description: 'No such run.', schema: 'problem' },
  },
  async handler({ services, req, res }) {
    const runId = String(req.params.runId);
    const query = req.query as Record<string, unknown>;
    const { format = 'json' } = query;
    if (format !== 'json' && format !== 'csv' && format !== 'html')
      throw invalidField('#/query/format', `must be json, csv or html, got ${JSON.stringify(format)}`);
    const page = pageParams(query, 10_000, 1000);
    if (format !== 'json') {
      const source = runIdPattern.test(runId) ? await runReportSource(services.store, runId) : null;
      if (!source) throw notFound(runId);
      return streamReport(services, res, runId, format, (out) => writeReport(out, source, format));
    }
    const run = runIdPattern.test(runId) ? await getRun(services.store, runId, page) : null;
    if (!run) throw notFound(runId);
    return { status: 200, body: run };
  },
});

/** `POST /v1/reconcile/:runId/apply`: applies a finished run's corrections and queues them to the platforms. */
export const applyReconcile = defineRoute({
  method: 'post',
  path: '/v1/reconcile/:runId/apply',
  operationId: 'applyReconcile',
  summary: "Apply a run's corrections",
  description:
    "For each mismatch of a finished run (or those the optional body selects: ReconcileApplyRequest, `{fields?, ids?}`), the bridge record takes the authoritative platform's value, saved in the audit log under the caller's name, and the stone is queued to every platform that accepts writes for the field. Applying again queues nothing new.",
  tag: 'reconcile',
  access: ['admin'],
  pathParams: [runIdParam],
  responses: {
    200: {
      description: 'What was applied and skipped, and the sync jobs.',
      schema: 'reconcile-apply-result',
    },
    404: { description: 'No such run.', schema: 'problem' },
    409: { description: 'The run has not finished, or it failed.', schema: 'problem' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req, body }) {
    const runId = String(req.params.runId);
    // The body is optional, so the route declares none and checks one here when it is sent.
    if (body !== undefined) {
      const problems = apiSchemas().check('reconcile-apply-request', body);
      if (problems.length > 0)
        throw new ApiProblem(
          'invalid-request',
          problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; '),
          problems,
        );
    }
    const queues = requireQueues(services);
    const run = runIdPattern.test(runId) ? await getRun(services.store, runId, { limit: 1 }) : null;
    if (!run) throw notFound(runId);
    if (run.status !== 'done') {
      throw new ApiProblem(
        'conflict',
        `run ${runId} is ${run.status}; only a finished run's corrections can be applied`,
      );
    }
    const selection = (body ?? {}) as { fields?: string[]; ids?: string[] };
    const result = await applyRunCorrections(
      { store: services.store, queues, adapters: [...services.adapters.values()] },
      runId,
      { actor: `api:${(principal as Principal).name}`, ...selection },
    );
    return { status: 200, body: { runId, ...result } };
  },
});

function notFound(runId: string): ApiProblem {
  return new ApiProblem('not-found', `no reconciliation run ${JSON.stringify(runId)}`);
}

/**
 * Streams a report straight to the response, item by item, so a run of any size is never one string in
 * memory.
 */
async function streamReport(
  services: ApiServices,
  res: Response,
  runId: string,
  format: Exclude<ReportFormat, 'json'>,
  writeTo: (out: Response) => Promise<void>,
): Promise<RouteResult> {
  res.status(200).type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/html; charset=utf-8');
  if (format === 'csv') res.set('content-disposition', `attachment; filename="${runId}.csv"`);
  try {
    await writeTo(res);
    res.end();
  } catch (error) {
    // Headers are gone: the only honest signal left is a cut connection.
    services.logger.error({ runId, err: error }, 'streaming a reconciliation report failed');
    res.destroy(error as Error);
  }
  return { status: 200, streamed: true };
}
