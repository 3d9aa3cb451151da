import { parseLookupQuery } from '../../lookup/query.js';
import { LOOKUP_KEYS } from '../../lookup/types.js';
import type { Principal } from '../auth.js';
import { readableLineage } from '../relatives.js';
import { mayRead } from './diamonds.js';
import { defineRoute } from './types.js';

const descriptions: Record<(typeof LOOKUP_KEYS)[number], string> = {
  tracrId: "The stone's diamond ID on the Tracr-style ledger.",
  giaReportNumber: 'A GIA grading report number (digits).',
  inscription: 'The laser inscription on the girdle, e.g. "GIA 2141438171".',
  id: 'The bridge ID (tb_...).',
};

/** `GET /v1/lookup`: the cross-platform provenance lookup. */
export const lookupStone = defineRoute({
  method: 'get',
  path: '/v1/lookup',
  operationId: 'lookupStone',
  summary: 'Cross-platform provenance lookup by any one identifier',
  description:
    "Asks every platform at once, each with its own timeout, and answers each platform's status and latency, the merged record with the source of every field, and the fields where platforms disagree beyond the trade's tolerances. Give exactly one of the query parameters.",
  tag: 'lookup',
  access: ['admin', 'producer', 'reader'],
  query: LOOKUP_KEYS.map((name) => ({
    name,
    description: descriptions[name],
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  })),
  responses: {
    200: { description: 'The lookup answer.', schema: 'lookup-answer' },
    404: { description: 'Looked up by a bridge ID the bridge does not hold.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const who = principal as Principal;
    // Another organisation's stone is not there for a producer: the answer is the one an identifier the
    // bridge never held gets (what the platforms say), and its bridge ID is an unknown stone.
    const answer = await services.lookup(parseLookupQuery(req.query), {
      // A stone no organisation has claimed on the bridge is everyone's to look up.
      mayRead: (record) => record.owner === undefined || mayRead(who, record),
    });
    if (!answer.merged) return { status: 200, body: answer };
    // A parent or child held by another organisation is left out of the merged record, as from the stone's.
    const { record } = await readableLineage(services, who, answer.merged.record);
    if (record === answer.merged.record) return { status: 200, body: answer };
    const sources = Object.fromEntries(
      Object.entries(answer.merged.sources).filter(
        ([path]) =>
          !path.startsWith('lineage.') || record.lineage?.[path.slice(8) as 'parentId'] !== undefined,
      ),
    );
    return { status: 200, body: { ...answer, merged: { ...answer.merged, record, sources } } };
  },
});
