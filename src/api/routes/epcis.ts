import { exportHistory } from '../../adapters/epcis/index.js';
import type { Principal } from '../auth.js';
import { bridgeIdParam, mayRead, ownStone } from './diamonds.js';
import { defineRoute } from './types.js';

/** `GET /v1/diamonds/:id/epcis`: the stone's history as a GS1 EPCIS 2.0 document. */
export const getDiamondEpcis = defineRoute({
  method: 'get',
  path: '/v1/diamonds/:id/epcis',
  operationId: 'getDiamondEpcis',
  summary: "A stone's history as a GS1 EPCIS 2.0 document",
  description:
    'Registration, sales and transfers, cutting (a TransformationEvent from the rough to its polished stones), grading and inscription as EPCIS 2.0 events, each identified by its CBV 2.0 event hash, so any EPCIS repository can take the history and de-duplicate it.',
  tag: 'diamonds',
  access: ['admin', 'producer', 'reader'],
  pathParams: [bridgeIdParam],
  responses: {
    200: { description: 'The EPCIS document.', schema: 'epcis-document' },
    404: { description: 'No such stone.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const stored = await ownStone(services, principal as Principal, String(req.params.id));
    // The cutting event needs the stones on both sides of it: the parent rough and the polished children.
    const { parentId, childIds = [] } = stored.record.lineage ?? {};
    const relativeIds = [...(parentId ? [parentId] : []), ...childIds];
    // A relative held by another organisation is not disclosed: the cutting event names only the caller's.
    const relatives = (await services.store.diamonds.getMany(relativeIds)).flatMap((r) =>
      r && mayRead(principal as Principal, r.record) ? [r.record] : [],
    );
    return {
      status: 200,
      body: exportHistory(stored.record, relatives, { creationDate: stored.updatedAt }).value,
    };
  },
});
