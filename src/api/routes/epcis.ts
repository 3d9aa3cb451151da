import { exportHistory, type EpcisDocument } from '../../adapters/epcis/index.js';
import type { LossEntry, Translation } from '../../mapping/loss.js';
import type { Principal } from '../auth.js';
import { readableLineage } from '../relatives.js';
import type { ApiServices } from '../services.js';
import { bridgeIdParam, mayRead, ownStone } from './diamonds.js';
import { defineRoute } from './types.js';

/** The response header that carries what a translation lost. */
export const lossHeaderName = 'Tracebridge-Loss';

/** Longest loss report sent whole in the header; longer ones are a count and a link (proxies cap headers near 8 KB). */
export const lossHeaderLimit = 4096;

/**
 * The `Tracebridge-Loss` value for `loss`: the loss report as JSON when it is short, otherwise
 * `{"count": N, "href": link}`. Non-ASCII characters are written as JSON escapes, so the value is a valid
 * header whatever the record holds and still parses to the same report.
 */
export function lossHeader(loss: readonly LossEntry[], link: string): string {
  const whole = asciiJson(loss);
  return whole.length <= lossHeaderLimit ? whole : asciiJson({ count: loss.length, href: link });
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The stone's export, with the stones on both sides of its cutting: the parent rough and polished children. */
async function stoneExport(
  services: ApiServices,
  principal: Principal,
  id: string,
): Promise<Translation<EpcisDocument>> {
  const stored = await ownStone(services, principal, id);
  // A relative held by another organisation is not disclosed: the cutting event names only the caller's,
  // and none is inferred from a link to a stone the caller may not read.
  const { record } = await readableLineage(services, principal, stored.record);
  const { parentId, childIds = [] } = record.lineage ?? {};
  const relativeIds = [...(parentId ? [parentId] : []), ...childIds];
  const relatives = (await services.store.diamonds.getMany(relativeIds)).flatMap((r) =>
    r && mayRead(principal, r.record) ? [r.record] : [],
  );
  return exportHistory(record, relatives, { creationDate: stored.updatedAt });
}

/** `GET /v1/diamonds/:id/epcis`: the stone's history as a GS1 EPCIS 2.0 document. */
export const getDiamondEpcis = defineRoute({
  method: 'get',
  path: '/v1/diamonds/:id/epcis',
  operationId: 'getDiamondEpcis',
  summary: "A stone's history as a GS1 EPCIS 2.0 document",
  description:
    'Registration, sales and transfers, cutting (a TransformationEvent from the rough to its polished stones), grading and inscription as EPCIS 2.0 events, each identified by its CBV 2.0 event hash, so any EPCIS repository can take the history and de-duplicate it. Master data (origin, weights, grades) travels as ILMD and the grading report as certificationInfo. What the record implies but its history lacks (its registration, its cutting from a parent) is stated as events marked tb:inferred. What the document leaves out or infers is in the Tracebridge-Loss header.',
  tag: 'diamonds',
  access: ['admin', 'producer', 'reader'],
  pathParams: [bridgeIdParam],
  responses: {
    200: {
      description: 'The EPCIS document.',
      schema: 'epcis-document',
      headers: {
        [lossHeaderName]:
          'The loss report as JSON (an array of {pointer, kind, reason, from?, to?}), or {count, href} linking to GET /v1/diamonds/{id}/epcis/loss when it is long.',
      },
    },
    404: { description: 'No such stone.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const id = String(req.params.id);
    const { value, loss } = await stoneExport(services, principal as Principal, id);
    const link = `/v1/diamonds/${encodeURIComponent(id)}/epcis/loss`;
    return { status: 200, body: value, headers: { [lossHeaderName]: lossHeader(loss, link) } };
  },
});

/** `GET /v1/diamonds/:id/epcis/loss`: the whole loss report of the stone's EPCIS export. */
export const getDiamondEpcisLoss = defineRoute({
  method: 'get',
  path: '/v1/diamonds/:id/epcis/loss',
  operationId: 'getDiamondEpcisLoss',
  summary: "What a stone's EPCIS export leaves out or infers",
  description:
    'The whole loss report of GET /v1/diamonds/{id}/epcis, for when its Tracebridge-Loss header gives only a count.',
  tag: 'diamonds',
  access: ['admin', 'producer', 'reader'],
  pathParams: [bridgeIdParam],
  responses: {
    200: { description: 'The loss report.', schema: 'epcis-loss' },
    404: { description: 'No such stone.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const id = String(req.params.id);
    const { loss } = await stoneExport(services, principal as Principal, id);
    return { status: 200, body: { diamondId: id, loss } };
  },
});
