import { describe, expect, it } from 'vitest';
import {
  confirmProposal,
  createProposal,
  linkOrPropose,
  listProposals,
  rejectProposal,
  type ProposalInput,
} from '../../src/reconcile/index.js';
import type { Store } from '../../src/store/index.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { giaView, ledgerView, stone } from './fixtures.js';
import { useStore } from './support.js';

const reviewer = { actor: 'compliance@demo-mining' };

async function storedStone(store: Store, n: number): Promise<string> {
  const { record } = stone(n);
  return (await store.diamonds.save(record, { actor: 'test', action: 'register' })).id;
}

const proposal = (diamondId: string): ProposalInput => ({
  platform: 'gia',
  ref: '7000000001',
  diamondId,
  grade: 'probable',
  score: 90,
  reasons: ['same shape round'],
  view: giaView(),
  readAt: '2024-05-22T08:00:00Z',
});

describe('match proposals', () => {
  const { fresh } = useStore();

  it('stores a proposal once, however often the same pair is proposed, and lists it', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const first = await createProposal(store, proposal(id), reviewer);
    const again = await createProposal(store, proposal(id), reviewer);
    expect(first.outcome).toBe('created');
    expect(again).toEqual({ outcome: 'exists', proposal: first.proposal });
    const listed = await listProposals(store);
    expect(listed.total).toBe(1);
    expect(listed.proposals[0]).toMatchObject({ diamondId: id, ref: '7000000001', status: 'open' });
  });

  it('confirming links the ref in the identity map, stores the view as a mirror and audits the actor', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const { proposal: created } = await createProposal(store, proposal(id), reviewer);
    const confirmed = await confirmProposal(store, created!.proposalId, reviewer);
    expect(confirmed).toMatchObject({ status: 'confirmed', decidedBy: reviewer.actor });
    expect(await store.identity.resolve('gia', '7000000001')).toBe(id);
    expect((await store.mirrors.get(id)).gia).toMatchObject({ view: giaView(), ref: '7000000001' });
    const history = await store.audit.history(id);
    expect(history.at(-1)).toMatchObject({ action: 'match.confirm', actor: reviewer.actor, platform: 'gia' });
    expect((await listProposals(store)).total).toBe(0);
    await expect(confirmProposal(store, created!.proposalId, reviewer)).rejects.toThrow(/already decided/);
  });

  it('rejecting remembers the pair so it is never proposed again, and audits the actor', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const { proposal: created } = await createProposal(store, proposal(id), reviewer);
    await rejectProposal(store, created!.proposalId, reviewer);
    expect(await createProposal(store, proposal(id), reviewer)).toEqual({
      outcome: 'rejected',
      proposal: null,
    });
    expect(await store.identity.resolve('gia', '7000000001')).toBeNull();
    expect((await store.audit.history(id)).at(-1)).toMatchObject({
      action: 'match.reject',
      actor: reviewer.actor,
      platform: 'gia',
      detail: { ref: '7000000001', proposalId: created!.proposalId, grade: 'probable', score: 90 },
    });
    expect((await listProposals(store)).total).toBe(0);
  });

  it('refuses to propose a certain match, which links on its own', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    await expect(
      createProposal(store, { ...proposal(id), grade: 'certain' as 'probable' }, reviewer),
    ).rejects.toThrow(/proposal grade "certain"/);
  });
});

describe('linking an unlinked platform record', () => {
  const { fresh } = useStore();
  const unlinked = (view: DiamondRecord) => ({
    platform: 'gia',
    ref: '7000000001',
    view,
    readAt: '2024-05-22T08:00:00Z',
  });
  const describedOnly = (record: DiamondRecord): DiamondRecord => {
    const { identifiers: _identifiers, grading: _grading, ...rest } = record;
    return rest;
  };

  it('links at once on a certain match found through the identifier index', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const view = { ...stone(1).gia, identifiers: { tracrId: 'TRC-1' } };
    const decision = await linkOrPropose(store, unlinked(view), [], reviewer);
    expect(decision).toMatchObject({ outcome: 'linked', diamondId: id, match: { grade: 'certain' } });
    expect(await store.identity.resolve('gia', '7000000001')).toBe(id);
    expect((await store.mirrors.get(id)).gia?.view).toEqual(view);
  });

  it('proposes a probable match instead of linking it, and not again once rejected', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const candidate = { ...describedOnly(ledgerView()), id };
    const decision = await linkOrPropose(store, unlinked(describedOnly(giaView())), [candidate], reviewer);
    expect(decision.outcome).toBe('proposed');
    expect(await store.identity.resolve('gia', '7000000001')).toBeNull();
    const [made] = decision.outcome === 'proposed' ? decision.proposals : [];
    await rejectProposal(store, made!.proposalId, reviewer);
    const again = await linkOrPropose(store, unlinked(describedOnly(giaView())), [candidate], reviewer);
    expect(again).toMatchObject({ outcome: 'proposed', proposals: [] });
  });

  it('leaves a record unmatched when no candidate fits', async () => {
    const store = fresh();
    const id = await storedStone(store, 1);
    const candidate = { ...describedOnly(ledgerView({ shape: 'pear' })), id };
    expect(await linkOrPropose(store, unlinked(describedOnly(giaView())), [candidate], reviewer)).toEqual({
      outcome: 'unmatched',
      matches: [],
    });
  });
});
