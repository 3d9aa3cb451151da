import {
  confirmProposal,
  getProposal,
  listProposals,
  rejectProposal,
  type MatchProposal,
} from '../../store/match-proposals.js';
import { StoreInputError } from '../../store/errors.js';
import type { Principal } from '../auth.js';
import { ApiProblem } from '../problem.js';
import type { ApiServices } from '../services.js';
import { pageParams, pathParam } from './params.js';
import { defineRoute, type RouteDefinition } from './types.js';

/**
 * Match proposals: platform records that may be stored stones, which only a person may link. Listing them
 * and deciding them is an admin's work; every decision is written to the audit log under the caller's name.
 */

const proposalIdPattern = /^mp_[0-9a-f]{24}$/;

const proposalIdParam = pathParam('id', 'The proposal ID (mp_ and 24 hex digits).', proposalIdPattern);

/** `GET /v1/matches`: open match proposals, oldest first. */
export const listMatches = defineRoute({
  method: 'get',
  path: '/v1/matches',
  operationId: 'listMatches',
  summary: 'Open match proposals waiting for a person',
  tag: 'reconcile',
  access: ['admin'],
  query: [
    {
      name: 'offset',
      description: 'Skip this many proposals (default 0).',
      schema: { type: 'integer', minimum: 0 },
    },
    {
      name: 'limit',
      description: 'At most this many, 1 to 1000 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  ],
  responses: { 200: { description: 'The open proposals and how many there are.', schema: 'match-list' } },
  async handler({ services, req }) {
    const page = pageParams(req.query, 1000, 100);
    return { status: 200, body: await listProposals(services.store, page) };
  },
});

/** `POST /v1/matches/:id/confirm`: links the platform record to the stone. */
export const confirmMatch = decisionRoute('confirm', confirmProposal, {
  operationId: 'confirmMatch',
  summary: 'Confirm a match proposal: the platform record is this stone',
  description:
    "Links the platform's reference to the stone in the identity map and keeps the platform's view as the stone's mirror; the audit log records who confirmed.",
});

/** `POST /v1/matches/:id/reject`: the platform record is not the stone; the pair is never proposed again. */
export const rejectMatch = decisionRoute('reject', rejectProposal, {
  operationId: 'rejectMatch',
  summary: 'Reject a match proposal: the platform record is another stone',
  description:
    'Closes the proposal and remembers the pair so it is never proposed again; the audit log records who rejected.',
});

function decisionRoute(
  verb: 'confirm' | 'reject',
  decide: (store: ApiServices['store'], id: string, by: { actor: string }) => Promise<MatchProposal>,
  text: Pick<RouteDefinition, 'operationId' | 'summary' | 'description'>,
): RouteDefinition {
  return defineRoute({
    method: 'post',
    path: `/v1/matches/:id/${verb}`,
    ...text,
    tag: 'reconcile',
    access: ['admin'],
    pathParams: [proposalIdParam],
    responses: {
      200: { description: 'The decided proposal.', schema: 'match-proposal' },
      404: { description: 'No such proposal.', schema: 'problem' },
      409: {
        description: 'The proposal was already decided, or the reference now belongs to another stone.',
        schema: 'problem',
      },
    },
    async handler({ services, principal, req }) {
      const id = String(req.params.id);
      const proposal = proposalIdPattern.test(id) ? await getProposal(services.store, id) : null;
      if (!proposal) throw new ApiProblem('not-found', `no match proposal ${JSON.stringify(id)}`);
      if (proposal.status !== 'open') {
        throw new ApiProblem(
          'conflict',
          `match proposal ${id} was already ${proposal.status} by ${proposal.decidedBy ?? 'someone'}`,
        );
      }
      try {
        const decided = await decide(services.store, id, { actor: `api:${(principal as Principal).name}` });
        return { status: 200, body: decided };
      } catch (error) {
        // Decided by someone else between the read above and this decision.
        if (error instanceof StoreInputError && error.field === `proposal ${id}`)
          throw new ApiProblem('conflict', `match proposal ${id} was decided meanwhile`);
        throw error;
      }
    },
  });
}
