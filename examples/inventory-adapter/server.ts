/**
 * A jeweller's stock system, small enough to read in one sitting: polished stones on the shelf, each under
 * a SKU, per shop account, with a change feed for the bridge to follow. It stands in for a retailer's
 * inventory platform so the example adapter next door has something real to talk to over HTTP, and it
 * injects the same faults as tracebridge's simulators (`POST /admin/faults`) so the conformance suite can
 * check how the adapter classifies them. It uses nothing but Node's own modules.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One stone on the shelf, as the stock system stores and serves it. */
export interface StockItem {
  /** Assigned by the stock system when the stone is received; absent on a stone not yet stocked. */
  sku?: string;
  /** The bridge's ID for the stone, kept so the bridge can find its own stones again. */
  bridgeId?: string;
  caratWeight: number;
  /** The stock system's shape code: RB, PR, CU, OV, EM, AS, RA, PS, MQ, HS, BG, TR or OT. */
  shape: string;
  /** D-to-Z letter grade as the trade writes it (D, E, ... M, N, OP, ... YZ). */
  colour?: string;
  clarity?: string;
  giaReportNumber?: string;
  inscription?: string;
  /** Which showcase or safe the stone sits in. */
  location?: string;
}

/** Faults injected into every call but the admin routes, as `POST /admin/faults` sets them. */
export interface StockFaults {
  latencyMs: number;
  errorRate: number;
  rateLimitPerSec: number;
  dropResponseRate: number;
}

const noFaults: StockFaults = { latencyMs: 0, errorRate: 0, rateLimitPerSec: 0, dropResponseRate: 0 };

/** The stock system's own state; tests read it directly to see what landed. */
export class StockRoom {
  readonly items = new Map<string, { item: StockItem; seq: number }>();
  /** Writes applied per SKU, whoever made them. */
  readonly writes = new Map<string, number>();
  faults: StockFaults = { ...noFaults };
  private readonly keys = new Map<string, string>();
  private seq = 0;
  private nextSku = 1;

  /** Stores `item` (a new SKU when it has none) and answers the stored item. */
  apply(item: StockItem): StockItem {
    const sku = item.sku ?? `SKU-${String(this.nextSku++).padStart(6, '0')}`;
    const stored = { ...item, sku };
    this.items.set(sku, { item: stored, seq: ++this.seq });
    this.writes.set(sku, (this.writes.get(sku) ?? 0) + 1);
    return stored;
  }

  /** The SKU an idempotency key already wrote, if any; `remember` records a new one. */
  keyed(key: string | undefined, remember?: string): string | undefined {
    if (key !== undefined && remember !== undefined) this.keys.set(key, remember);
    return key === undefined ? undefined : this.keys.get(key);
  }

  /** Items changed after sequence number `after`, oldest first. */
  changedSince(after: number, limit: number): { items: StockItem[]; next: number; more: boolean } {
    const changed = [...this.items.values()]
      .filter((entry) => entry.seq > after)
      .sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, limit);
    return {
      items: page.map((entry) => entry.item),
      next: page.at(-1)?.seq ?? after,
      more: changed.length > limit,
    };
  }

  reset(): void {
    for (const map of [this.items, this.writes, this.keys]) map.clear();
    this.faults = { ...noFaults };
    this.seq = 0;
    this.nextSku = 1;
  }
}

/** A running stock system. */
export interface RunningStock {
  url: string;
  room: StockRoom;
  close(): Promise<void>;
}

const shapeCodes = new Set(['RB', 'PR', 'CU', 'OV', 'EM', 'AS', 'RA', 'PS', 'MQ', 'HS', 'BG', 'TR', 'OT']);

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Starts the stock system on `port` (0: any free port). Calls need `Authorization: Bearer <apiKey>` and
 * `X-Account-Id: <accountId>`: a shop's stock is kept under its account.
 */
export async function startInventory(
  port = 0,
  apiKey = 'inventory-key',
  accountId = 'shop-1',
): Promise<RunningStock> {
  const room = new StockRoom();
  let windowStart = 0;
  let callsInWindow = 0;

  const platformCall = (
    method: string,
    url: URL,
    headers: IncomingMessage['headers'],
    body: unknown,
  ): Answer => {
    if (headers.authorization !== `Bearer ${apiKey}`)
      return { status: 401, body: { message: 'missing or wrong API key' } };
    if (headers['x-account-id'] !== accountId)
      return {
        status: 403,
        body: {
          message: `no such shop account ${JSON.stringify(headers['x-account-id'] ?? null)}`,
          field: 'accountId',
        },
      };
    const path = url.pathname;
    if (method === 'GET' && path === '/health') return { status: 200, body: { status: 'ok' } };
    if (method === 'GET' && path.startsWith('/items/')) {
      const sku = decodeURIComponent(path.slice('/items/'.length));
      const entry = room.items.get(sku);
      return entry
        ? { status: 200, body: entry.item }
        : { status: 404, body: { message: `no stock item ${sku}` } };
    }
    if (method === 'GET' && path === '/items') {
      const report = url.searchParams.get('giaReportNumber');
      const inscription = url.searchParams.get('inscription');
      const items = [...room.items.values()].map((entry) => entry.item);
      return {
        status: 200,
        body: items.filter(
          (i) =>
            (report !== null && i.giaReportNumber === report) ||
            (inscription !== null && i.inscription === inscription),
        ),
      };
    }
    if (method === 'POST' && path === '/items')
      return receive(room, headers['idempotency-key'] as string | undefined, body);
    if (method === 'GET' && path === '/changes') {
      return {
        status: 200,
        body: room.changedSince(
          Number(url.searchParams.get('after') ?? 0),
          Number(url.searchParams.get('limit') ?? 100),
        ),
      };
    }
    return { status: 404, body: { message: `no route ${method} ${path}` } };
  };

  const admin = (method: string, path: string, body: unknown): Answer | undefined => {
    if (method === 'GET' && path === '/admin/faults') return { status: 200, body: room.faults };
    if (method === 'POST' && path === '/admin/reset') {
      room.reset();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/admin/faults') {
      const patch = (body ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(patch)) {
        if (!(key in noFaults) || typeof value !== 'number' || value < 0)
          return { status: 400, body: { message: `bad fault ${key}` } };
      }
      room.faults = { ...room.faults, ...(patch as Partial<StockFaults>) };
      return { status: 200, body: room.faults };
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://stock');
      const method = req.method ?? 'GET';
      const adminAnswer = admin(method, url.pathname, body);
      if (adminAnswer) return send(res, adminAnswer);
      const { latencyMs, errorRate, rateLimitPerSec, dropResponseRate } = room.faults;
      setTimeout(() => {
        const now = Date.now();
        if (now - windowStart >= 1000) [windowStart, callsInWindow] = [now, 0];
        if (rateLimitPerSec > 0 && ++callsInWindow > rateLimitPerSec)
          return send(res, {
            status: 429,
            body: { message: 'Too Many Requests' },
            headers: { 'retry-after': '1' },
          });
        if (Math.random() < errorRate)
          return send(res, { status: 503, body: { message: 'Service Unavailable' } });
        const answer = platformCall(method, url, req.headers, body);
        // The write has committed; only the reply is lost, as when a connection drops on the way back.
        if (Math.random() < dropResponseRate) return void req.socket.destroy();
        send(res, answer);
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    room,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `POST /items`: receives a new stone or updates a stocked one; an idempotency key seen before writes nothing. */
function receive(room: StockRoom, key: string | undefined, body: unknown): Answer {
  const item = (body ?? {}) as StockItem;
  const seen = room.keyed(key);
  if (seen !== undefined)
    return { status: 200, body: { item: room.items.get(seen)?.item, outcome: 'unchanged' } };
  if (typeof item.caratWeight !== 'number' || !(item.caratWeight > 0))
    return {
      status: 422,
      body: { message: `caratWeight must be above 0, got ${item.caratWeight}`, field: 'caratWeight' },
    };
  if (!shapeCodes.has(item.shape))
    return {
      status: 422,
      body: { message: `unknown shape code ${JSON.stringify(item.shape)}`, field: 'shape' },
    };
  const stocked = item.sku === undefined ? undefined : room.items.get(item.sku)?.item;
  if (item.sku !== undefined && stocked === undefined)
    return { status: 404, body: { message: `no stock item ${item.sku}`, field: 'sku' } };
  if (stocked && sameItem(stocked, item))
    return { status: 200, body: { item: stocked, outcome: 'unchanged' } };
  const applied = room.apply(item);
  room.keyed(key, applied.sku);
  return { status: stocked ? 200 : 201, body: { item: applied, outcome: stocked ? 'updated' : 'created' } };
}

function sameItem(a: StockItem, b: StockItem): boolean {
  const sorted = (item: StockItem): string =>
    JSON.stringify(Object.entries(item).sort(([x], [y]) => x.localeCompare(y)));
  return sorted(a) === sorted(b);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}
