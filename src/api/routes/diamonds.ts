import { register } from '../../queue/ingest.js';
import { syncJobId } from '../../queue/job-ids.js';
import { getJob } from '../../queue/jobs.js';
import type { StoredDiamond } from '../../store/index.js';
import type { DiamondRecord } from '../../types/diamond.js';
import type { Principal } from '../auth.js';
import { ApiProblem } from '../problem.js';
import type { ApiServices } from '../services.js';
import { pathParam } from './params.js';
import { defineRoute } from './types.js';

const bridgeIdPattern = /^tb_[0-9A-Za-z_-]{6,64}$/;

/** The `:id` path parameter of every per-stone route. */
export const bridgeIdParam = pathParam('id', 'The bridge ID of the stone (tb_...).', bridgeIdPattern);

/** Whether `id` has the form of a bridge ID; anything else cannot name a stored stone. */
export function isBridgeId(id: string): boolean {
  return bridgeIdPattern.test(id);
}

/** `POST /v1/diamonds`: register or update a stone; 202 with its sync jobs. */
export const registerDiamond = defineRoute({
  method: 'post',
  path: '/v1/diamonds',
  operationId: 'registerDiamond',
  summary: 'Register or update a stone',
  description:
    'Validates the canonical record, stores it (assigning a bridge ID when it has none) and queues one sync job per platform that can take it. A producer may write only stones of its own organisation; owner.org defaults to it.',
  tag: 'diamonds',
  access: ['admin', 'producer'],
  requestBody: 'diamond',
  idempotent: true,
  responses: {
    202: { description: 'Stored; the sync jobs are queued.', schema: 'register-result' },
    409: { description: 'An identifier of the record already belongs to another stone.', schema: 'problem' },
    422: { description: 'The record is not valid.', schema: 'problem' },
    503: { description: 'The sync queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, body }) {
    const record = body as DiamondRecord;
    const queues = requireQueues(services);
    const org = principal?.role === 'producer' ? principal.org : undefined;
    if (org !== undefined) {
      if (record.owner !== undefined && record.owner.org !== org) {
        throw new ApiProblem(
          'forbidden',
          `/owner/org ${JSON.stringify(record.owner.org)} is not your organisation ${JSON.stringify(org)}`,
          [{ pointer: '/owner/org', message: `must be ${JSON.stringify(org)}` }],
        );
      }
      if (record.id !== undefined)
        assertOwn(principal as Principal, await services.store.diamonds.get(record.id), record.id);
    }
    const registration = await register(
      { store: services.store, queues, adapters: services.adapters },
      record,
      { actor: `api:${(principal as Principal).name}`, ...(org === undefined ? {} : { org }) },
    );
    return { status: 202, body: registration, headers: { location: `/v1/diamonds/${registration.id}` } };
  },
});

/** `GET /v1/diamonds/:id`: the stored record with its links and sync status. */
export const getDiamond = defineRoute({
  method: 'get',
  path: '/v1/diamonds/:id',
  operationId: 'getDiamond',
  summary: 'A stored stone with its platform links and sync status',
  tag: 'diamonds',
  access: ['admin', 'producer', 'reader'],
  pathParams: [bridgeIdParam],
  responses: {
    200: { description: 'The stored stone.', schema: 'stored-diamond' },
    404: { description: 'No such stone.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const stored = await ownStone(services, principal as Principal, String(req.params.id));
    const id = stored.record.id as string;
    const links = await services.store.identity.refs(id);
    const sync = await syncStatus(services, stored);
    return { status: 200, body: { ...stored, links, sync } };
  },
});

/** Per platform: where the stone's current content stands, from its sync job and `sources`. */
async function syncStatus(
  services: ApiServices,
  stored: StoredDiamond,
): Promise<Record<string, { status: string; ref?: string; syncedAt?: string; job?: string }>> {
  const id = stored.record.id as string;
  const entries = await Promise.all(
    [...services.adapters.values()].map(async (adapter) => {
      const source = stored.record.sources?.[adapter.name];
      const jobId = syncJobId(adapter.name, id, stored.hash);
      const queued = services.queues?.platforms.includes(adapter.name);
      const job = queued ? await getJob(services.queues!, jobId) : null;
      // A job for the current content that has not completed says more than where the platform held an
      // earlier version; without one, the platform holds what it last synced.
      const status =
        job && job.state !== 'completed'
          ? job.state === 'failed'
            ? 'failed'
            : 'pending'
          : source
            ? 'in_sync'
            : 'not_synced';
      if (status === 'not_synced' && !adapter.capabilities.write) return undefined;
      const entry: { status: string; ref?: string; syncedAt?: string; job?: string } = { status };
      if (source) Object.assign(entry, { ref: source.ref, syncedAt: source.syncedAt });
      if (job) entry.job = job.id;
      return [adapter.name, entry] as const;
    }),
  );
  return Object.fromEntries(entries.filter((entry) => entry !== undefined));
}

/** The stored stone `id` names, when the principal may see it; 404 for no such stone, 403 for another org's. */
export async function ownStone(
  services: ApiServices,
  principal: Principal,
  id: string,
): Promise<StoredDiamond> {
  if (!isBridgeId(id)) throw new ApiProblem('not-found', `no stone ${JSON.stringify(id)}: not a bridge ID`);
  const stored = await services.store.diamonds.get(id);
  if (!stored) throw new ApiProblem('not-found', `no stone ${id} is held by the bridge`);
  assertOwn(principal, stored, id);
  return stored;
}

/** A producer may touch only its own organisation's stones; 403 otherwise. Others pass. */
export function assertOwn(principal: Principal, stored: StoredDiamond | null, id: string): void {
  if (principal.role !== 'producer' || stored === null) return;
  const owner = stored.record.owner?.org;
  if (owner !== principal.org) {
    throw new ApiProblem(
      'forbidden',
      `stone ${id} belongs to ${owner === undefined ? 'no organisation' : JSON.stringify(owner)}, not to ${JSON.stringify(principal.org)}`,
    );
  }
}

/** The sync queues, or a 503 saying they are not running. */
export function requireQueues(services: ApiServices): NonNullable<ApiServices['queues']> {
  if (!services.queues)
    throw new ApiProblem('unavailable', 'the sync queues are not running in this process');
  return services.queues;
}
