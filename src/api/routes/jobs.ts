import { getJob, JOB_STATES, listJobs, retryJob, type JobView } from '../../queue/jobs.js';
import type { Principal } from '../auth.js';
import { ApiProblem, invalidField } from '../problem.js';
import type { ApiServices } from '../services.js';
import { requireQueues } from './diamonds.js';
import { pathParam, wholeNumberParam } from './params.js';
import { defineRoute } from './types.js';

const jobIdParam = pathParam('id', 'The sync job ID (sync-<platform>-<bridge ID>-<hash>).');

/** `GET /v1/jobs?state=`: sync jobs in one state; a producer sees its own stones' jobs only. */
export const listSyncJobs = defineRoute({
  method: 'get',
  path: '/v1/jobs',
  operationId: 'listSyncJobs',
  summary: 'Sync jobs in one state',
  tag: 'jobs',
  access: ['admin', 'producer'],
  query: [
    { name: 'state', description: 'The job state.', required: true, schema: { enum: [...JOB_STATES] } },
    { name: 'platform', description: "Only this platform's jobs.", schema: { type: 'string' } },
    {
      name: 'limit',
      description: 'Most jobs per platform, 1 to 500 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    },
  ],
  responses: {
    200: { description: 'The jobs, newest first.', schema: 'job-list' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const queues = requireQueues(services);
    const query = req.query as Record<string, unknown>;
    const { state, platform } = query;
    if (typeof state !== 'string' || !(JOB_STATES as readonly string[]).includes(state)) {
      throw invalidField(
        '#/query/state',
        `must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(state ?? null)}`,
      );
    }
    if (platform !== undefined && (typeof platform !== 'string' || !queues.platforms.includes(platform))) {
      throw invalidField(
        '#/query/platform',
        `must be one of ${queues.platforms.join(', ')}, got ${JSON.stringify(platform)}`,
      );
    }
    const count = wholeNumberParam(query, 'limit', { min: 1, max: 500, fallback: 100 });
    const jobs = await listJobs(queues, {
      state: state as (typeof JOB_STATES)[number],
      limit: count,
      ...(platform === undefined ? {} : { platform }),
    });
    return { status: 200, body: { jobs: await visibleTo(services, principal as Principal, jobs) } };
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
  if (principal.role !== 'producer' || jobs.length === 0) return jobs;
  const stones = await services.store.diamonds.getMany([...new Set(jobs.map((job) => job.data.diamondId))]);
  const owners = new Map(
    stones.flatMap((stone) => (stone?.record.id ? [[stone.record.id, stone.record.owner?.org]] : [])),
  );
  return jobs.filter((job) => owners.get(job.data.diamondId) === principal.org);
}
