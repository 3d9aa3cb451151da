import { parseLookupQuery } from '../../lookup/query.js';
import { UnknownStoneError } from '../../lookup/lookup.js';
import { LOOKUP_KEYS } from '../../lookup/types.js';
import type { Principal } from '../auth.js';
import { ApiProblem } from '../problem.js';
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
    const answer = await services.lookup(parseLookupQuery(req.query));
    const who = principal as Principal;
    const owner = answer.merged?.record.owner?.org;
    // A producer sees its own stones, and stones no organisation has claimed on the bridge; another
    // organisation's stone is not there for it (404, as for a stone nobody holds).
    if (who.role === 'producer' && owner !== undefined && owner !== who.org) {
      const query = req.query as Record<string, unknown>;
      if (typeof query['id'] === 'string') throw new UnknownStoneError(query['id']);
      throw new ApiProblem('not-found', 'no stone matches the query');
    }
    return { status: 200, body: answer };
  },
});
