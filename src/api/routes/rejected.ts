import { queueRejectedRetry } from '../../sync/feeds.js';
import { listRejectedChanges } from '../../sync/rejected.js';
import { ApiProblem, invalidField } from '../problem.js';
import { requireQueues } from './diamonds.js';
import { wholeNumberParam } from './params.js';
import { defineRoute } from './types.js';

/**
 * Rejected changes: platform records a feed or webhook handed over that the bridge could not store, set
 * aside so the feed went on. An operator reads them with their reasons and, once the platform's record or
 * the bridge's configuration is fixed, has them read again. They may be any organisation's records, so only
 * an admin sees them.
 */

/** `GET /v1/rejected-changes?platform=&limit=`: the kept rejected changes, newest first. */
export const rejectedChanges = defineRoute({
  method: 'get',
  path: '/v1/rejected-changes',
  operationId: 'listRejectedChanges',
  summary: 'Platform records the bridge could not store, with the reason',
  description:
    'The newest rejected changes first (the last 1,000 are kept; every one is also in the audit log), of every platform or one.',
  tag: 'jobs',
  access: ['admin'],
  query: [
    { name: 'platform', description: "Only this platform's records.", schema: { type: 'string' } },
    {
      name: 'limit',
      description: 'Most entries answered, 1 to 1000 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  ],
  responses: { 200: { description: 'The rejected changes.', schema: 'rejected-change-list' } },
  async handler({ services, req }) {
    const query = req.query as Record<string, unknown>;
    const { platform } = query;
    if (platform !== undefined && (typeof platform !== 'string' || !services.adapters.has(platform)))
      throw invalidField(
        '#/query/platform',
        `must be one of ${[...services.adapters.keys()].join(', ')}, got ${JSON.stringify(platform)}`,
      );
    const count = wholeNumberParam(query, 'limit', { min: 1, max: 1000, fallback: 100 });
    const changes = await listRejectedChanges(services.store, {
      count,
      ...(platform === undefined ? {} : { platform }),
    });
    return { status: 200, body: { changes } };
  },
});

/** `POST /v1/rejected-changes/retry`: reads rejected records again from their platform. */
export const retryRejectedChanges = defineRoute({
  method: 'post',
  path: '/v1/rejected-changes/retry',
  operationId: 'retryRejectedChanges',
  summary: 'Read rejected changes again from their platform',
  description:
    "Queues a feed worker to read the named records (or every one of the platform's kept) again and store what it can read now. A stored record leaves the list; one still refused is recorded again with today's reason.",
  tag: 'jobs',
  access: ['admin'],
  requestBody: 'rejected-retry-request',
  responses: {
    202: { description: 'The retry is queued.', schema: 'rejected-retry-result' },
    404: { description: 'None of the named records is among the rejected changes.', schema: 'problem' },
    503: { description: 'The queues are not running.', schema: 'problem' },
  },
  async handler({ services, body }) {
    const { platform, refs } = body as { platform: string; refs?: string[] };
    if (!services.adapters.has(platform))
      throw invalidField('/platform', `must be one of ${[...services.adapters.keys()].join(', ')}`);
    const queues = requireQueues(services);
    const kept = await listRejectedChanges(services.store, { platform, count: 1000 });
    const keptRefs = new Set(kept.map((entry) => entry.ref));
    const chosen = refs === undefined ? [...keptRefs] : refs.filter((ref) => keptRefs.has(ref));
    if (chosen.length === 0) {
      if (refs === undefined) return { status: 202, body: { job: null, refs: [] } };
      throw new ApiProblem(
        'not-found',
        `none of ${JSON.stringify(refs)} is a rejected change of ${platform}`,
      );
    }
    const job = await queueRejectedRetry(queues, platform, chosen);
    return { status: 202, body: { job, refs: chosen } };
  },
});
