/**
 * A jeweller's stock system, small enough to read in one sitting: polished stones on the shelf, each under
 * a SKU, with a change feed for the bridge to follow. It stands in for a retailer's inventory platform so
 * the example adapter next door has something real to talk to over HTTP.
 */
import express from 'express';
import { canonicalJson } from '../../src/mapping/content-hash.js';
import { adminRoutes } from '../../sim/shared/admin.js';
import { FaultInjector } from '../../sim/shared/faults.js';
import { listen, type RunningServer } from '../../sim/shared/server.js';

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

/** The stock system's own state; tests read it directly to see what landed. */
export class StockRoom {
  readonly items = new Map<string, { item: StockItem; seq: number }>();
  /** Writes applied per SKU, whoever made them. */
  readonly writes = new Map<string, number>();
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
    this.seq = 0;
    this.nextSku = 1;
  }
}

const shapeCodes = new Set(['RB', 'PR', 'CU', 'OV', 'EM', 'AS', 'RA', 'PS', 'MQ', 'HS', 'BG', 'TR', 'OT']);

/** Starts the stock system on `port` (0: any free port). Calls need `Authorization: Bearer <apiKey>`. */
export async function startInventory(
  port = 0,
  apiKey = 'inventory-key',
): Promise<RunningServer & { room: StockRoom }> {
  const room = new StockRoom();
  const faults = new FaultInjector();
  const app = express();
  app.use(adminRoutes(faults, () => room.reset()));
  app.use(faults.middleware(), express.json());
  app.use((req, res, next) => {
    if (req.headers.authorization === `Bearer ${apiKey}`) next();
    else res.status(401).json({ message: 'missing or wrong API key' });
  });
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/items/:sku', (req, res) => {
    const entry = room.items.get(req.params.sku);
    if (entry) res.json(entry.item);
    else res.status(404).json({ message: `no stock item ${req.params.sku}` });
  });
  app.get('/items', (req, res) => {
    const { giaReportNumber, inscription } = req.query;
    const items = [...room.items.values()].map((entry) => entry.item);
    const matches = (i: StockItem): boolean =>
      (giaReportNumber !== undefined && i.giaReportNumber === giaReportNumber) ||
      (inscription !== undefined && i.inscription === inscription);
    res.json(items.filter(matches));
  });
  app.post('/items', (req, res) => {
    const key = req.header('idempotency-key');
    const body = (req.body ?? {}) as StockItem;
    const seen = room.keyed(key);
    if (seen !== undefined) return void res.json({ item: room.items.get(seen)?.item, outcome: 'unchanged' });
    if (typeof body.caratWeight !== 'number' || !(body.caratWeight > 0)) {
      return void res
        .status(422)
        .json({ message: `caratWeight must be above 0, got ${body.caratWeight}`, field: 'caratWeight' });
    }
    if (!shapeCodes.has(body.shape)) {
      return void res
        .status(422)
        .json({ message: `unknown shape code ${JSON.stringify(body.shape)}`, field: 'shape' });
    }
    const stocked = body.sku === undefined ? undefined : room.items.get(body.sku)?.item;
    if (body.sku !== undefined && stocked === undefined) {
      return void res.status(404).json({ message: `no stock item ${body.sku}`, field: 'sku' });
    }
    if (stocked && canonicalJson(stocked) === canonicalJson(body)) {
      return void res.json({ item: stocked, outcome: 'unchanged' });
    }
    const item = room.apply(body);
    room.keyed(key, item.sku);
    res.status(stocked ? 200 : 201).json({ item, outcome: stocked ? 'updated' : 'created' });
  });
  app.get('/changes', (req, res) => {
    res.json(room.changedSince(Number(req.query.after ?? 0), Number(req.query.limit ?? 100)));
  });
  return { ...(await listen(app, port)), room };
}
