import { register } from '../../sync/register.js';
import type { StoredDiamond } from '../../store/index.js';
import type { DiamondRecord } from '../../types/diamond.js';
import type { Principal } from '../auth.js';
import { readableLineage } from '../relatives.js';
import { ApiProblem } from '../problem.js';
import type { ApiServices } from '../services.js';
import { stoneSyncStatus } from '../sync-status.js';
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
    503: {
      description: 'The sync queues are not running, or no replica confirmed the write in time.',
      schema: 'problem',
    },
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
    // Acknowledged only once a replica holds it, when the master has replicas.
    await services.replicas?.confirm();
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
    const read = await ownStone(services, principal as Principal, String(req.params.id));
    const { stored, sync } = await stoneSyncStatus(services, read);
    const links = await services.store.identity.refs(stored.record.id as string);
    const { record, relatives } = await readableLineage(services, principal as Principal, stored.record);
    return {
      status: 200,
      body: { ...stored, record, links, sync, ...(relatives.length > 0 ? { relatives } : {}) },
    };
  },
});

/**
 * The stored stone `id` names, when the principal may see it. Another organisation's stone does not exist
 * for a producer: the answer is the same 404, word for word, as for an ID the bridge never held.
 */
export async function ownStone(
  services: ApiServices,
  principal: Principal,
  id: string,
): Promise<StoredDiamond> {
  if (!isBridgeId(id)) throw new ApiProblem('not-found', `no stone ${JSON.stringify(id)}: not a bridge ID`);
  const stored = await services.store.diamonds.get(id);
  if (!stored) throw noStone(id);
  assertOwn(principal, stored, id);
  return stored;
}

/** A producer may touch only its own organisation's stones; any other is a 404, never a 403. Others pass. */
export function assertOwn(principal: Principal, stored: StoredDiamond | null, id: string): void {
  if (stored !== null && !mayRead(principal, stored.record)) throw noStone(id);
}

/** Whether `principal` may read `record`: a producer reads its own organisation's stones only. */
export function mayRead(principal: Principal, record: DiamondRecord): boolean {
  return principal.role !== 'producer' || record.owner?.org === principal.org;
}

function noStone(id: string): ApiProblem {
  return new ApiProblem('not-found', `no stone ${id} is held by the bridge`);
}

/** The sync queues, or a 503 saying they are not running. */
export function requireQueues(services: ApiServices): NonNullable<ApiServices['queues']> {
  if (!services.queues)
    throw new ApiProblem('unavailable', 'the sync queues are not running in this process');
  return services.queues;
}
