import type { Principal } from '../auth.js';
import { invalidField } from '../problem.js';
import { mayRead } from './diamonds.js';
import { wholeNumberParam } from './params.js';
import { defineRoute } from './types.js';

/**
 * `GET /v1/parcels?kpCertificate=|boxId=`: the stones one Kimberley Process certificate covers, or one box
 * holds. Either is shared by a whole parcel, so it answers a list, a page at a time, never one stone.
 */
export const listParcel = defineRoute({
  method: 'get',
  path: '/v1/parcels',
  operationId: 'listParcel',
  summary: 'The stones of one Kimberley Process certificate or one box, a page at a time',
  description:
    "Give `kpCertificate` or `boxId`, not both. Every stored stone that carries it, by bridge ID in order, paged with an opaque cursor. A producer's page holds only its own organisation's stones: the filter applies after the page limit, so a page may be short (even empty) while `cursor` is not null.",
  tag: 'lookup',
  access: ['admin', 'producer', 'reader'],
  query: [
    {
      name: 'kpCertificate',
      description: 'The Kimberley Process certificate number.',
      schema: { type: 'string', minLength: 1, maxLength: 128 },
    },
    {
      name: 'boxId',
      description: 'The box the stones were sorted into.',
      schema: { type: 'string', minLength: 1, maxLength: 128 },
    },
    {
      name: 'cursor',
      description: "The previous page's `cursor`, with the same certificate or box.",
      schema: { type: 'string', maxLength: 128 },
    },
    {
      name: 'limit',
      description: 'Most stones on the page, 1 to 500 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    },
  ],
  responses: { 200: { description: "A page of the parcel's stones.", schema: 'parcel-page' } },
  async handler({ services, principal, req }) {
    const query = req.query as Record<string, unknown>;
    const { cursor } = query;
    const given = (['kpCertificate', 'boxId'] as const).filter((name) => query[name] !== undefined);
    if (given.length !== 1) {
      const pointer = given.length === 0 ? '#/query/kpCertificate' : '#/query/boxId';
      throw invalidField(pointer, 'give one of kpCertificate or boxId, not both');
    }
    const name = given[0]!;
    const value = query[name];
    if (typeof value !== 'string' || value.trim() === '' || value.length > 128)
      throw invalidField(`#/query/${name}`, 'must be 1 to 128 characters');
    if (cursor !== undefined && (typeof cursor !== 'string' || !/^tb_[0-9A-Za-z_-]{6,64}$/.test(cursor)))
      throw invalidField('#/query/cursor', 'must be the cursor of a previous page');
    const count = wholeNumberParam(query, 'limit', { min: 1, max: 500, fallback: 100 });
    const page = await services.store.identity.parcel(name, value, {
      cursor: cursor ?? null,
      count,
    });
    // Another organisation's stone is not there for a producer: left out, never named.
    const stored = await services.store.diamonds.getMany(page.ids);
    const who = principal as Principal;
    const diamondIds = stored.flatMap((entry) =>
      entry && mayRead(who, entry.record) ? [entry.record.id as string] : [],
    );
    return { status: 200, body: { [name]: value.trim(), diamondIds, cursor: page.cursor } };
  },
});
