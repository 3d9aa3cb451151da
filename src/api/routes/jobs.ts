import { optional } from '../../adapters/http.js';
import { listJobPage, retryJobs, type JobFilter } from '../../queue/job-pages.js';
import { getJob, JOB_STATES, retryJob, type JobState, type JobView } from '../../queue/job-views.js';
import type { Principal } from '../auth.js';
import { ApiProblem, invalidField } from '../problem.js';
import type { ApiServices } from '../services.js';
import { requireQueues } from './diamonds.js';
import { pathParam, wholeNumberParam } from './params.js';
import { defineRoute } from './types.js';

const jobIdParam = pathParam('id', 'The sync job ID (sync-<platform>-<bridge ID>-<hash>).');

/** `GET /v1/jobs?state=&platform=&cursor=&limit=`: sync jobs a page at a time; a producer sees its own. */
export const listSyncJobs = defineRoute({
  method: 'get',
  path: '/v1/jobs',
  operationId: 'listSyncJobs',
  summary: 'Sync jobs, a page at a time',
  description:
    "Every sync job, or those in one state or of one platform, newest first within each platform and state, paged with an opaque cursor. A producer's page holds only its own organisation's stones' jobs: the filter applies before the page limit, so a page may be short (even empty) while `cursor` is not null.",
  tag: 'jobs',
  access: ['admin', 'producer'],
  query: [
    { name: 'state', description: 'Only jobs in this state.', schema: { enum: [...JOB_STATES] } },
    { name: 'platform', description: "Only this platform's jobs.", schema: { type: 'string' } },
    {
      name: 'cursor',
      description: "The previous page's `cursor`, with the same state and platform.",
      schema: { type: 'string', maxLength: 512 },
    },
    {
      name: 'limit',
      description: 'Most jobs on the page, 1 to 500 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    },
  ],
  responses: {
    200: { description: 'A page of jobs and the cursor of the next one.', schema: 'job-list' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const queues = requireQueues(services);
    const query = req.query as Record<string, unknown>;
    const { state, cursor } = query;
    if (
      state !== undefined &&
      (typeof state !== 'string' || !(JOB_STATES as readonly string[]).includes(state))
    ) {
      throw invalidField(
        '#/query/state',
        `must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(state)}`,
      );
    }
    if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length > 512))
      throw invalidField('#/query/cursor', 'must be the cursor of a previous page');
    const limit = wholeNumberParam(query, 'limit', { min: 1, max: 500, fallback: 100 });
    const page = await listJobPage(queues, {
      limit,
      ...platformScope(queues.platforms, query.platform, '#/query/platform'),
      ...optional('states', state === undefined ? undefined : [state as JobState]),
      ...optional('cursor', cursor),
      ...visibility(services, principal as Principal),
    });
    return { status: 200, body: page };
  },
});

/** `POST /v1/jobs/retry`: retries every sync job a filter matches; a producer retries its own only. */
export const retrySyncJobs = defineRoute({
  method: 'post',
  path: '/v1/jobs/retry',
  operationId: 'retrySyncJobs',
  summary: 'Retry every sync job a filter matches',
  description:
    "Retries the failed jobs (or runs the delayed ones now) of a platform, an organisation, or with a failure reason containing some text: what brings a platform's queue back after an outage longer than its retries. A producer retries only its own organisation's stones' jobs.",
  tag: 'jobs',
  access: ['admin', 'producer'],
  requestBody: 'job-retry-request',
  responses: {
    200: { description: 'How many jobs were queued again.', schema: 'job-retry-result' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, body }) {
    const queues = requireQueues(services);
    const filter = body as {
      platform?: string;
      state?: 'failed' | 'delayed';
      org?: string;
      failedReason?: string;
    };
    const caller = principal as Principal;
    if (filter.org !== undefined && caller.role === 'producer' && filter.org !== caller.org) {
      throw new ApiProblem(
        'forbidden',
        `/org ${JSON.stringify(filter.org)} is not your organisation ${JSON.stringify(caller.org)}`,
        [{ pointer: '/org', message: `must be ${JSON.stringify(caller.org)} or absent` }],
      );
    }
    const outcome = await retryJobs(queues, {
      ...platformScope(queues.platforms, filter.platform, '/platform'),
      ...optional('state', filter.state),
      ...optional('failedReason', filter.failedReason),
      ...visibility(services, caller, filter.org),
    });
    return { status: 200, body: outcome };
  },
});

/** `GET /v1/jobs/:id`: one sync job with its attempts and log. */
export const getSyncJob = defineRoute({
  method: 'get',
  path: '/v1/jobs/:id',
  operationId: 'getSyncJob',
  summary: 'One sync job with its attempts, failure reason and log',
  tag: 'jobs',
  access: ['admin', 'producer'],
  pathParams: [jobIdParam],
  responses: {
    200: { description: 'The job.', schema: 'job' },
    404: { description: 'No such job.', schema: 'problem' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const job = await ownJob(services, principal as Principal, String(req.params.id));
    return { status: 200, body: job };
  },
});

/** `POST /v1/jobs/:id/retry`: retries a failed sync job. */
export const retrySyncJob = defineRoute({
  method: 'post',
  path: '/v1/jobs/:id/retry',
  operationId: 'retrySyncJob',
  summary: 'Retry a failed sync job from its first attempt',
  tag: 'jobs',
  access: ['admin', 'producer'],
  pathParams: [jobIdParam],
  responses: {
    202: { description: 'The job is queued again.', schema: 'job' },
    404: { description: 'No such job.', schema: 'problem' },
    409: { description: 'The job has not failed.', schema: 'problem' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const job = await ownJob(services, principal as Principal, String(req.params.id));
    return { status: 202, body: await retryJob(requireQueues(services), job.id) };
  },
});

async function ownJob(services: ApiServices, principal: Principal, id: string): Promise<JobView> {
  const job = await getJob(requireQueues(services), id);
  const [visible] = job ? await visibleTo(services, principal, [job]) : [];
  // A producer is told a job of another organisation's stone does not exist, as for an unknown ID.
  if (!visible) throw new ApiProblem('not-found', `no sync job ${JSON.stringify(id)}`);
  return visible;
}

async function visibleTo(services: ApiServices, principal: Principal, jobs: JobView[]): Promise<JobView[]> {
  if (principal.role !== 'producer') return jobs;
  return ofOrganisation(services, principal.org, jobs);
}

/** Jobs of stones `org` owns. */
async function ofOrganisation(
  services: ApiServices,
  org: string | undefined,
  jobs: JobView[],
): Promise<JobView[]> {
  if (jobs.length === 0) return jobs;
  const stones = await services.store.diamonds.getMany([...new Set(jobs.map((job) => job.data.diamondId))]);
  const owners = new Map(
    stones.flatMap((stone) => (stone?.record.id ? [[stone.record.id, stone.record.owner?.org]] : [])),
  );
  return jobs.filter((job) => owners.get(job.data.diamondId) === org);
}

/** The filter that keeps what `principal` may see, narrowed to `org` when one is asked for. */
function visibility(services: ApiServices, principal: Principal, org?: string): { keep?: JobFilter } {
  const only = principal.role === 'producer' ? principal.org : org;
  if (only === undefined) return {};
  return { keep: (jobs) => ofOrganisation(services, only, jobs) };
}

/** The platforms a `platform` parameter names: one known platform, or every platform when absent. */
function platformScope(
  known: readonly string[],
  platform: unknown,
  pointer: string,
): { platforms?: readonly string[] } {
  if (platform === undefined) return {};
  if (typeof platform !== 'string' || !known.includes(platform))
    throw invalidField(pointer, `must be one of ${known.join(', ')}, got ${JSON.stringify(platform)}`);
  return { platforms: [platform] };
}
