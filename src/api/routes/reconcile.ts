import { executeRun, getRun, startRun, type RunScope } from '../../reconcile/runs.js';
import type { Principal } from '../auth.js';
import { ApiProblem } from '../problem.js';
import { defineRoute } from './types.js';

/** `POST /v1/reconcile`: starts a reconciliation run over some stones or all of them. */
export const startReconcile = defineRoute({
  method: 'post',
  path: '/v1/reconcile',
  operationId: 'startReconcile',
  summary: 'Start a reconciliation run',
  description:
    "Compares every platform's view of the named stones (or of all stones) field by field with the trade's tolerances. Answers at once; poll the run.",
  tag: 'reconcile',
  access: ['admin'],
  requestBody: 'reconcile-request',
  responses: { 202: { description: 'The run started.', schema: 'reconcile-started' } },
  async handler({ services, principal, body }) {
    const scope = body as RunScope;
    const runId = await startRun(services.store, scope, { actor: `api:${(principal as Principal).name}` });
    const adapters = [...services.adapters.values()];
    // The run records its own failure in its report; the log line is for operators.
    executeRun(services.store, runId, { adapters }).catch((error: unknown) =>
      services.logger.error({ runId, err: error }, 'reconciliation run failed'),
    );
    return { status: 202, body: { runId }, headers: { location: `/v1/reconcile/${runId}` } };
  },
});

/** `GET /v1/reconcile/:runId`: a run's progress and report. */
export const getReconcile = defineRoute({
  method: 'get',
  path: '/v1/reconcile/:runId',
  operationId: 'getReconcile',
  summary: 'A reconciliation run: status, progress, mismatches and unmatched stones',
  tag: 'reconcile',
  access: ['admin'],
  pathParams: [
    { name: 'runId', description: 'The run ID (rc_...).', required: true, schema: { type: 'string' } },
  ],
  responses: {
    200: { description: 'The run.', schema: 'reconcile-run' },
    404: { description: 'No such run.', schema: 'problem' },
  },
  async handler({ services, req }) {
    const runId = String(req.params.runId);
    const run = /^rc_[0-9A-Za-z_-]{6,64}$/.test(runId) ? await getRun(services.store, runId) : null;
    if (!run) throw new ApiProblem('not-found', `no reconciliation run ${JSON.stringify(runId)}`);
    return { status: 200, body: run };
  },
});
