import { createHash } from 'node:crypto';
import { canonicalJson } from '../mapping/content-hash.js';
import { parseJson } from './audit.js';
import { StoreInputError, type Store } from './index.js';
import { assertDiamondId, assertPlatformName, assertSafeText } from './keys.js';
import { runScript, type StoreScript } from './scripts.js';
import type { DiamondRecord } from '../types/diamond.js';
import type { MatchGrade } from '../match/matching.js';

/**
 * Match proposals: a platform record that may be a stored stone, waiting for a person. Confirming links
 * the platform's ref to the stone in the identity map; rejecting remembers the pair so it is never
 * proposed again. Both are written to the audit log with the person who decided.
 */

/** A proposal as stored. */
export interface MatchProposal {
  /** `mp_` and a hash of (platform, ref, stone): proposing the same pair twice finds the same proposal. */
  proposalId: string;
  platform: string;
  ref: string;
  diamondId: string;
  grade: Exclude<MatchGrade, 'certain' | 'none'>;
  score: number;
  reasons: string[];
  status: 'open' | 'confirmed' | 'rejected';
  createdAt: string;
  createdBy: string;
  decidedAt?: string;
  decidedBy?: string;
  /** The platform's canonical view, stored as its mirror once confirmed. */
  view?: DiamondRecord;
  /** When the view was read. */
  readAt?: string;
}

/** What to propose. */
export type ProposalInput = Pick<
  MatchProposal,
  'platform' | 'ref' | 'diamondId' | 'grade' | 'score' | 'reasons'
> &
  Partial<Pick<MatchProposal, 'view' | 'readAt'>>;

/** What {@link createProposal} did: `exists` for a pair already proposed, `rejected` for one a person rejected. */
export type ProposalOutcome = 'created' | 'exists' | 'rejected';

// KEYS: proposal hash, open index, rejected set. ARGV: proposal JSON, pair, created ms, proposal id.
const createScript = script(`
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 1 then return 'rejected' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
redis.call('HSET', KEYS[1], 'proposal', ARGV[1], 'status', 'open')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 'created'
`);

// KEYS: proposal hash, open index, rejected set. ARGV: proposal id, status, proposal JSON, pair.
// Decides an open proposal; a decided one answers its status and changes nothing.
const decideScript = script(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'unknown' end
if status ~= 'open' then return status end
redis.call('HSET', KEYS[1], 'proposal', ARGV[3], 'status', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == 'rejected' then redis.call('SADD', KEYS[3], ARGV[4]) end
return 'decided'
`);

/** The proposal ID for a (platform, ref, stone) pair. */
export function proposalIdFor(platform: string, ref: string, diamondId: string): string {
  return `mp_${createHash('sha256')
    .update(pairKey(platform, ref, diamondId))
    .digest('hex')
    .slice(0, 24)}`;
}

/** Proposes that `ref` on `platform` is stone `diamondId`, unless already proposed or once rejected. */
export async function createProposal(
  store: Store,
  input: ProposalInput,
  { actor }: { actor: string },
): Promise<{ outcome: ProposalOutcome; proposal: MatchProposal | null }> {
  const platform = assertPlatformName(input.platform);
  const ref = assertSafeText(input.ref, `${platform} ref`, 128);
  const diamondId = assertDiamondId(input.diamondId);
  if (input.grade !== 'probable' && input.grade !== 'possible') {
    throw new StoreInputError(
      'proposal grade',
      input.grade,
      'probable or possible (certain matches link at once)',
    );
  }
  const proposalId = proposalIdFor(platform, ref, diamondId);
  const now = new Date();
  const proposal: MatchProposal = {
    ...input,
    proposalId,
    platform,
    ref,
    diamondId,
    status: 'open',
    createdAt: now.toISOString(),
    createdBy: assertSafeText(actor, 'actor'),
  };
  const { keys } = store;
  const outcome = (await runScript(
    store.redis,
    createScript,
    [keys.matchProposal(proposalId), keys.openMatchProposals, keys.rejectedMatches],
    [canonicalJson(proposal), pairKey(platform, ref, diamondId), now.getTime(), proposalId],
  )) as ProposalOutcome;
  if (outcome === 'rejected') return { outcome, proposal: null };
  return { outcome, proposal: outcome === 'created' ? proposal : await getProposal(store, proposalId) };
}

/** One proposal, or null. */
export async function getProposal(store: Store, proposalId: string): Promise<MatchProposal | null> {
  const key = store.keys.matchProposal(proposalId);
  const json = await store.redis.hget(key, 'proposal');
  return json === null ? null : (parseJson(key, json) as MatchProposal);
}

/** Open proposals, oldest first, a page at a time (default 100, at most 1000). */
export async function listProposals(
  store: Store,
  { offset = 0, limit = 100 }: { offset?: number; limit?: number } = {},
): Promise<{ total: number; proposals: MatchProposal[] }> {
  if (!Number.isInteger(offset) || offset < 0)
    throw new StoreInputError('offset', offset, 'an integer, 0 or more');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new StoreInputError('limit', limit, 'an integer from 1 to 1000');
  const { redis, keys } = store;
  const [total, ids] = await Promise.all([
    redis.zcard(keys.openMatchProposals),
    redis.zrange(keys.openMatchProposals, String(offset), String(offset + limit - 1)),
  ]);
  const proposals = await Promise.all(ids.map((id) => getProposal(store, id)));
  return { total, proposals: proposals.filter((p): p is MatchProposal => p !== null) };
}

/**
 * Confirms a proposal: links the ref to the stone (audited as `match.confirm` with the actor), stores the
 * platform's view as its mirror, then closes the proposal. Safe to repeat after a crash half way: the
 * link is then `unchanged`. Throws the store's IdentityConflictError when the ref now belongs to
 * another stone, leaving the proposal open.
 */
export async function confirmProposal(
  store: Store,
  proposalId: string,
  { actor }: { actor: string },
): Promise<MatchProposal> {
  const proposal = await openProposal(store, proposalId);
  await store.identity.link(proposal.diamondId, proposal.platform, proposal.ref, {
    actor,
    action: 'match.confirm',
  });
  if (proposal.view) {
    await store.mirrors.save(proposal.diamondId, proposal.platform, proposal.view, {
      readAt: proposal.readAt ?? proposal.createdAt,
      ref: proposal.ref,
    });
  }
  return decide(store, proposal, 'confirmed', actor);
}

/** Rejects a proposal: the pair is never proposed again, and the audit log records `match.reject`. */
export async function rejectProposal(
  store: Store,
  proposalId: string,
  { actor }: { actor: string },
): Promise<MatchProposal> {
  return decide(store, await openProposal(store, proposalId), 'rejected', actor);
}

async function openProposal(store: Store, proposalId: string): Promise<MatchProposal> {
  const proposal = await getProposal(store, proposalId);
  if (proposal === null) throw new StoreInputError('proposal id', proposalId, 'a stored match proposal');
  if (proposal.status !== 'open') {
    throw new StoreInputError(
      `proposal ${proposalId}`,
      proposal.status,
      'an open proposal (it was already decided)',
    );
  }
  return proposal;
}

async function decide(
  store: Store,
  proposal: MatchProposal,
  status: 'confirmed' | 'rejected',
  actor: string,
): Promise<MatchProposal> {
  const at = new Date().toISOString();
  const decided: MatchProposal = {
    ...proposal,
    status,
    decidedAt: at,
    decidedBy: assertSafeText(actor, 'actor'),
  };
  const { keys } = store;
  const reply = (await runScript(
    store.redis,
    decideScript,
    [keys.matchProposal(proposal.proposalId), keys.openMatchProposals, keys.rejectedMatches],
    [
      proposal.proposalId,
      status,
      canonicalJson(decided),
      pairKey(proposal.platform, proposal.ref, proposal.diamondId),
    ],
  )) as string;
  // The stone's audit lies in its shard, apart from the proposals: it follows the decision it records.
  if (reply === 'decided' && status === 'rejected') {
    await store.audit.append([
      {
        at,
        actor,
        action: 'match.reject',
        diamondId: proposal.diamondId,
        platform: proposal.platform,
        detail: {
          ref: proposal.ref,
          proposalId: proposal.proposalId,
          grade: proposal.grade,
          score: proposal.score,
        },
      },
    ]);
  }
  if (reply !== 'decided') {
    throw new StoreInputError(
      `proposal ${proposal.proposalId}`,
      reply,
      'an open proposal (it was decided meanwhile)',
    );
  }
  return decided;
}

function pairKey(platform: string, ref: string, diamondId: string): string {
  return canonicalJson([platform, ref, diamondId]);
}

function script(source: string): StoreScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}
