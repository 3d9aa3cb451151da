import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import type { TracrLedger } from './ledger.js';
import { LedgerError, TRACR_DIAMOND_ID, type DiamondState } from './model.js';
import { invalid } from './validate.js';

/** The most transactions one `POST /v1/transactions/batch` may carry (declared in `GET /v1/network`). */
export const MAX_BATCH_SIZE = 100;
const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

/** The platform API under /v1: the bare API key in `Authorization`, JSON in and out. */
export function ledgerRoutes(ledger: TracrLedger, apiKey: string): Router {
  const router = express.Router();
  router.use(requireKey(apiKey), express.json({ limit: '2mb' }));

  router.get('/network', (_req, res) => {
    res.json({
      network: 'tracr-sim',
      signatureAlgorithm: 'Ed25519',
      canonicalization: 'sorted-keys-compact-json',
      maxBatchSize: MAX_BATCH_SIZE,
      blockIntervalMs: ledger.options.blockIntervalMs,
      genesisHash: ledger.block(0)!.hash,
      headHeight: ledger.head().height,
    });
  });
  router.get('/participants/:participantId', (req, res) => {
    const participant = ledger.participant(req.params.participantId);
    if (!participant)
      throw LedgerError.notFound('PARTICIPANT_NOT_FOUND', 'participantId', req.params.participantId);
    res.json(participant);
  });

  router.post('/transactions', (req, res) => {
    const answer = ledger.submit(req.body);
    res.status(answer.httpStatus).json(answer.body);
  });
  router.post('/transactions/batch', (req, res) => {
    const items = (req.body as { transactions?: unknown } | undefined)?.transactions;
    if (!Array.isArray(items) || items.length === 0) invalid('transactions', items, 'a non-empty array');
    if (items.length > MAX_BATCH_SIZE) {
      const message = `transactions: ${items.length} items is more than the ${MAX_BATCH_SIZE} a batch may carry`;
      throw new LedgerError(400, 'BATCH_TOO_LARGE', message, 'transactions', items.length);
    }
    res.json({ results: ledger.submitBatch(items) });
  });
  router.get('/transactions/:txId', (req, res) => {
    const tx = ledger.transaction(req.params.txId);
    if (!tx) throw LedgerError.notFound('TRANSACTION_NOT_FOUND', 'txId', req.params.txId);
    res.json(tx);
  });
  router.get('/transactions/:txId/proof', (req, res) => {
    const { txId } = req.params;
    const tx = ledger.transaction(txId);
    if (!tx) throw LedgerError.notFound('TRANSACTION_NOT_FOUND', 'txId', txId);
    const proof = ledger.proof(txId);
    if (!proof)
      throw new LedgerError(409, 'NOT_COMMITTED', `txId: ${txId} is pending; no block holds it yet`, 'txId');
    res.json(proof);
  });

  router.get('/blocks', (req, res) => {
    const query = readQuery(req, ['fromHeight', 'cursor', 'limit']);
    const from = integer(query, 'cursor') ?? integer(query, 'fromHeight') ?? 0;
    const limit = pageSize(query);
    const head = ledger.head().height;
    const items = [];
    for (let height = from; height <= head && items.length < limit; height += 1)
      items.push(ledger.block(height)!);
    const next = from + items.length;
    res.json({ items, nextCursor: next <= head ? String(next) : null, headHeight: head });
  });
  router.get('/blocks/:height', (req, res) => {
    const height = integer({ height: req.params.height }, 'height')!;
    const block = ledger.block(height);
    if (!block) throw LedgerError.notFound('BLOCK_NOT_FOUND', 'height', height);
    res.json(block);
  });
  router.get('/chain/head', (_req, res) => {
    res.json(ledger.head());
  });

  router.get('/diamonds', (req, res) => {
    const filters = ['producerRef', 'inscription', 'kpCertificate'] as const;
    const query = readQuery(req, ['changedSinceHeight', 'cursor', 'limit', ...filters]);
    const since = integer(query, 'changedSinceHeight') ?? -1;
    const after = readCursor(query['cursor']);
    const limit = pageSize(query);
    const matches = ledger
      .diamonds()
      .filter(
        (state) =>
          state.updatedAtHeight > since &&
          filters.every((key) => query[key] === undefined || state[key] === query[key]) &&
          (!after || compareKey(state, after) > 0),
      );
    const items = matches.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = matches.length > limit && last ? writeCursor(last) : null;
    res.json({ items, nextCursor, headHeight: ledger.head().height });
  });
  router.get('/diamonds/:diamondId', (req, res) => {
    const { diamondId } = req.params;
    if (!TRACR_DIAMOND_ID.test(diamondId))
      invalid('diamondId', diamondId, 'a Tracr ID (TRACR- and 12 hex digits)');
    const state = ledger.diamond(diamondId);
    if (!state) throw LedgerError.notFound('DIAMOND_NOT_FOUND', 'diamondId', diamondId);
    res.json(state);
  });

  router.use((req, _res, next) =>
    next(LedgerError.notFound('ROUTE_NOT_FOUND', 'path', `${req.method} ${req.baseUrl}${req.path}`)),
  );
  router.use(errorBody);
  return router;
}

/** Operator routes: admitting participants, forcing a block, counting writes, and corrupting a record. */
export function ledgerAdminRoutes(ledger: TracrLedger): Router {
  const router = express.Router();
  router.use('/admin', express.json());
  router.post('/admin/participants', (req, res) => {
    const { created, participant } = ledger.approve(req.body);
    res.status(created ? 201 : 200).json(participant);
  });
  router.post('/admin/blocks', (_req, res) => {
    const block = ledger.cutBlock();
    res.status(block ? 201 : 200).json({ block });
  });
  router.get('/admin/state', (_req, res) => {
    res.json(ledger.stats());
  });
  router.post('/admin/tamper', (req, res) => {
    const { diamondId, patch } = (req.body ?? {}) as { diamondId?: unknown; patch?: unknown };
    if (typeof diamondId !== 'string') invalid('diamondId', diamondId, 'a Tracr ID');
    res.json(ledger.tamper(diamondId, patch));
  });
  router.use('/admin', errorBody);
  return router;
}

function requireKey(apiKey: string): RequestHandler {
  const expected = createHash('sha256').update(apiKey).digest();
  return (req, res, next) => {
    const given = req.get('authorization');
    if (!given) {
      res
        .status(401)
        .json({ code: 'UNAUTHENTICATED', message: 'Authorization: send the API key (bare, no scheme)' });
      return;
    }
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res
        .status(403)
        .json({ code: 'FORBIDDEN', message: 'Authorization: the API key is not valid for this network' });
      return;
    }
    next();
  };
}

const errorBody: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof LedgerError) {
    res.status(error.status).json(error.toJSON());
    return;
  }
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') {
    res
      .status(400)
      .json({ code: 'INVALID_JSON', message: `body: not valid JSON (${(error as Error).message})` });
  } else if (type === 'entity.too.large') {
    res.status(413).json({ code: 'BODY_TOO_LARGE', message: 'body: larger than 2 MB' });
  } else {
    res
      .status(500)
      .json({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
  }
};

function readQuery(req: Request, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!allowed.includes(key)) invalid(key, value, `a query parameter here (use ${allowed.join(', ')})`);
    if (typeof value !== 'string') invalid(key, value, 'given once');
    out[key] = value;
  }
  return out;
}

function integer(query: Record<string, string | undefined>, key: string): number | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) invalid(key, value, 'a whole number of 0 or more');
  return Number(value);
}

function pageSize(query: Record<string, string | undefined>): number {
  const limit = integer(query, 'limit') ?? DEFAULT_PAGE;
  if (limit < 1 || limit > MAX_PAGE) invalid('limit', limit, `from 1 to ${MAX_PAGE}`);
  return limit;
}

type PageKey = [height: number, diamondId: string];

function compareKey(state: DiamondState, [height, diamondId]: PageKey): number {
  return (
    state.updatedAtHeight - height || (state.diamondId < diamondId ? -1 : state.diamondId > diamondId ? 1 : 0)
  );
}

function writeCursor(state: DiamondState): string {
  return Buffer.from(JSON.stringify([state.updatedAtHeight, state.diamondId])).toString('base64url');
}

function readCursor(cursor: string | undefined): PageKey | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && typeof key[0] === 'number' && typeof key[1] === 'string')
      return [key[0], key[1]];
  } catch {
    // falls through to the error below
  }
  invalid('cursor', cursor, 'a cursor from a previous page');
}
