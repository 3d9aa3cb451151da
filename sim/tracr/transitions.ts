import {
  LedgerError,
  type DiamondEvent,
  type DiamondState,
  type Participant,
  type ParticipantRole,
  type PolishedAttributes,
  type Transaction,
} from './model.js';
import {
  carats,
  DECLARED_TEXT,
  diamondIdOf,
  grading,
  invalid,
  polishedAttributes,
  polishedKeys,
  priceHash,
  record,
  sourceCountry,
  text,
} from './validate.js';

/** What a transition may read: the latest state (committed and pending) and the network's members. */
export interface TransitionContext {
  diamond(diamondId: string): DiamondState | undefined;
  participant(participantId: string): Participant | undefined;
  /** The ID of the `index`-th stone this transaction creates. */
  newDiamondId(index: number): string;
}

const P = 'tx.payload';
const MAX_CHILDREN = 50;

/**
 * Checks one transaction against the ledger's state and answers the states it leaves behind, the main stone
 * first. Nothing is stored here; `stateHash` and `updatedAtHeight` are filled in when a block commits.
 */
export function execute(tx: Transaction, txId: string, ctx: TransitionContext): DiamondState[] {
  const signer = ctx.participant(tx.participantId)!;
  const event = (type: DiamondEvent['type'], details: Record<string, unknown> = {}): DiamondEvent => ({
    type,
    at: tx.timestamp,
    txId,
    participantId: tx.participantId,
    ...details,
  });
  const touch = (state: DiamondState, ...events: DiamondEvent[]): DiamondState => {
    state.events.push(...events);
    state.lastTxId = txId;
    return state;
  };

  if (tx.type === 'REGISTER_ROUGH') {
    requireRole(signer, ['producer']);
    const payload = record(tx.payload, P, [
      'caratWeight',
      'sourceCountry',
      'priceHash',
      'externalRef',
      ...DECLARED_TEXT,
    ]);
    const caratWeight = carats(payload, 'caratWeight', P);
    const price = priceHash(payload, P);
    const state: DiamondState = {
      diamondId: ctx.newDiamondId(0),
      kind: 'ROUGH',
      parentId: null,
      childIds: [],
      owner: { participantId: signer.participantId, org: signer.org },
      assurance: 'ASSURED',
      sourceCountry: sourceCountry(payload, P),
      mine: null,
      producerRef: null,
      kpCertificate: null,
      boxId: null,
      caratWeight,
      polished: null,
      inscription: null,
      grading: null,
      events: [],
      privateFields: price === undefined ? {} : { price: { hash: price } },
      lastTxId: txId,
      stateHash: '',
      updatedAtHeight: -1,
    };
    for (const key of DECLARED_TEXT) state[key] = text(payload, key, P, { optional: true }) ?? null;
    // The registrant's own reference for the stone; kept only when given, so other stones' state is unchanged.
    const externalRef = text(payload, 'externalRef', P, { optional: true });
    if (externalRef !== undefined) state.externalRef = externalRef;
    return [touch(state, event('registered', { caratWeight }))];
  }

  const keys: Record<Exclude<Transaction['type'], 'REGISTER_ROUGH'>, readonly string[]> = {
    SPLIT: ['children'],
    POLISH: polishedKeys,
    GRADE: ['lab', 'reportNumber', 'reportDate', 'reportType'],
    INSCRIBE: ['inscription'],
    SELL: ['to', 'priceHash'],
    TRANSFER: ['to'],
    UPDATE: ['set'],
  };
  const payload = record(tx.payload, P, ['diamondId', ...keys[tx.type]]);
  const diamondId = diamondIdOf(payload, P);
  const current = ctx.diamond(diamondId);
  if (!current) {
    throw LedgerError.notFound('DIAMOND_NOT_FOUND', `${P}.diamondId`, diamondId);
  }
  const state = structuredClone(current);
  const isOwner = state.owner.participantId === signer.participantId;
  const requireOwner = (): void => {
    if (!isOwner) {
      const message = `tx.participantId: ${signer.participantId} does not own ${diamondId}`;
      throw new LedgerError(409, 'NOT_OWNER', message, 'tx.participantId', signer.participantId);
    }
  };

  switch (tx.type) {
    case 'SPLIT': {
      requireOwner();
      requireState(state.kind === 'ROUGH' && state.childIds.length === 0, state, 'an unsplit rough');
      const children = payload['children'];
      if (!Array.isArray(children) || children.length === 0 || children.length > MAX_CHILDREN) {
        invalid(`${P}.children`, children, `a list of 1 to ${MAX_CHILDREN} planned stones`);
      }
      const weights = children.map((child, i) =>
        carats(record(child, `${P}.children[${i}]`, ['caratWeight']), 'caratWeight', `${P}.children[${i}]`),
      );
      checkMassBalance(weights, state.caratWeight, `${P}.children`);
      const created = weights.map((caratWeight, i): DiamondState => {
        const child = structuredClone(state);
        Object.assign(child, {
          diamondId: ctx.newDiamondId(i),
          parentId: diamondId,
          producerRef: null,
          kpCertificate: null,
          boxId: null,
          caratWeight,
          events: [],
          privateFields: {},
        });
        return touch(child, event('split', { parentId: diamondId, caratWeight }));
      });
      state.childIds = created.map((child) => child.diamondId);
      return [touch(state, event('split', { childIds: state.childIds })), ...created];
    }
    case 'POLISH': {
      requireRole(signer, ['manufacturer']);
      requireOwner();
      requireState(state.kind === 'ROUGH' && state.childIds.length === 0, state, 'an unsplit rough');
      const polished = polishedAttributes(payload, P) as PolishedAttributes;
      checkMassBalance([polished.caratWeight], state.caratWeight, `${P}.caratWeight`);
      Object.assign(state, { kind: 'POLISHED', polished });
      return [touch(state, event('polished', { caratWeight: polished.caratWeight }))];
    }
    case 'GRADE': {
      requireRole(signer, ['lab']);
      requireState(state.kind === 'POLISHED', state, 'a polished stone');
      state.grading = grading(payload, P);
      state.assurance = 'ASSURED_AND_CERTIFIED';
      const { lab, reportNumber } = state.grading;
      return [touch(state, event('graded', { lab, reportNumber }))];
    }
    case 'INSCRIBE': {
      if (signer.role !== 'lab') requireOwner();
      requireState(state.kind === 'POLISHED', state, 'a polished stone');
      state.inscription = text(payload, 'inscription', P, { pattern: /^[\x20-\x7e]+$/, max: 64 })!;
      return [touch(state, event('inscribed', { inscription: state.inscription }))];
    }
    case 'SELL':
    case 'TRANSFER': {
      requireOwner();
      const to = text(payload, 'to', P)!;
      const buyer = ctx.participant(to);
      if (!buyer?.approved || to === signer.participantId) {
        invalid(`${P}.to`, to, 'another approved participant');
      }
      const price = tx.type === 'SELL' ? priceHash(payload, P) : undefined;
      if (price !== undefined) state.privateFields.price = { hash: price };
      state.owner = { participantId: buyer.participantId, org: buyer.org };
      const details = {
        from: signer.participantId,
        to,
        ...(price === undefined ? {} : { priceHash: price }),
      };
      return [touch(state, event(tx.type === 'SELL' ? 'sold' : 'transferred', details))];
    }
    case 'UPDATE': {
      requireOwner();
      return [touch(state, event('updated', { fields: applyUpdate(state, payload, ctx) }))];
    }
  }
}

/** Applies an UPDATE's `set` to `state` and answers the names of the fields it changed. */
function applyUpdate(
  state: DiamondState,
  payload: Record<string, unknown>,
  ctx: TransitionContext,
): string[] {
  const path = `${P}.set`;
  const set = record(payload['set'], path, ['sourceCountry', 'caratWeight', 'polished', ...DECLARED_TEXT]);
  const fields = Object.keys(set);
  if (fields.length === 0) invalid(path, set, 'a change to at least one field');
  for (const key of DECLARED_TEXT) {
    if (set[key] === null) state[key] = null;
    else if (set[key] !== undefined) state[key] = text(set, key, path)!;
  }
  if (set['sourceCountry'] !== undefined) state.sourceCountry = sourceCountry(set, path);
  if (set['caratWeight'] !== undefined) {
    state.caratWeight = carats(set, 'caratWeight', path);
    const children = state.childIds.map((id) => ctx.diamond(id)?.caratWeight ?? 0);
    checkMassBalance(children, state.caratWeight, `${path}.caratWeight`);
  }
  if (set['polished'] !== undefined) {
    requireState(state.polished !== null, state, 'a polished stone');
    const patch = polishedAttributes(
      record(set['polished'], `${path}.polished`, polishedKeys),
      `${path}.polished`,
      true,
    );
    const polished: Record<string, unknown> = { ...state.polished, ...patch };
    if (patch.colour !== undefined) delete polished['fancyColour'];
    if (patch.fancyColour !== undefined) delete polished['colour'];
    if (polished['cut'] === null) delete polished['cut'];
    state.polished = polished as unknown as PolishedAttributes;
  }
  if (state.polished)
    checkMassBalance([state.polished.caratWeight], state.caratWeight, `${path}.caratWeight`);
  return fields;
}

function requireRole(signer: Participant, roles: ParticipantRole[]): void {
  if (!roles.includes(signer.role)) {
    const message = `tx.participantId: ${signer.participantId} is a ${signer.role}; this needs a ${roles.join(' or ')}`;
    throw new LedgerError(403, 'ROLE_NOT_PERMITTED', message, 'tx.participantId', signer.participantId);
  }
}

function requireState(ok: boolean, state: DiamondState, expected: string): void {
  if (!ok) {
    const message = `tx.payload.diamondId: ${state.diamondId} is not ${expected} (kind ${state.kind}, ${state.childIds.length} children)`;
    throw new LedgerError(409, 'INVALID_STATE', message, 'tx.payload.diamondId', state.diamondId);
  }
}

/** Parts cut from a stone cannot weigh more than it: compared in thousandths so 0.1 + 0.2 behaves. */
function checkMassBalance(partWeights: number[], whole: number, field: string): void {
  const parts = partWeights.reduce((sum, weight) => sum + Math.round(weight * 1000), 0);
  if (parts > Math.round(whole * 1000)) {
    const message = `${field}: ${parts / 1000} ct is more than the ${whole} ct stone it comes from`;
    throw new LedgerError(400, 'MASS_BALANCE', message, field, parts / 1000);
  }
}
