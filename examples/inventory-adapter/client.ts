/**
 * The stock system's client: every call over HTTP, every failure a classified PlatformError.
 */
import {
  createHttpClient,
  mapOrRefuse,
  PlatformError,
  type ChangePage,
  type ConnectOptions,
  type PlatformClient,
  type PlatformRecord,
} from 'tracebridge';
import type { StockItem } from './server.js';
import { fromCanonical, toCanonical } from './transform.js';

/** How to reach a stock system. */
export interface InventoryOptions extends ConnectOptions {
  /** The shop's account on the stock system; its stock is kept under it. */
  accountId: string;
  /** Changes per page of the change feed. Default 100. */
  pageSize?: number;
}

const adapter = 'inventory';

/** A client for the stock system at `options.url`. */
export function connectInventory(options: InventoryOptions): PlatformClient<StockItem> {
  const http = createHttpClient({
    adapter,
    baseURL: options.url,
    authorization: `Bearer ${options.apiKey}`,
    headers: { 'X-Account-Id': options.accountId },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return {
    async get(sku) {
      try {
        return read((await http.get<StockItem>(`/items/${encodeURIComponent(sku)}`)).data);
      } catch (error) {
        if (error instanceof PlatformError && error.status === 404) return null;
        throw error;
      }
    },
    async find({ giaReportNumber, inscription }) {
      if (giaReportNumber === undefined && inscription === undefined) return [];
      const { data } = await http.get<StockItem[]>('/items', { params: { giaReportNumber, inscription } });
      return data.map(read);
    },
    async put(record, { idempotencyKey }) {
      const item = mapOrRefuse(adapter, () => fromCanonical(record).value, { stone: record.id });
      const { data } = await http.post<{ item: StockItem; outcome: 'created' | 'updated' | 'unchanged' }>(
        '/items',
        item,
        { headers: { 'Idempotency-Key': idempotencyKey } },
      );
      return { ref: data.item.sku ?? '', outcome: data.outcome };
    },
    async changes(cursor): Promise<ChangePage<StockItem>> {
      const { data } = await http.get<{ items: StockItem[]; next: number; more: boolean }>('/changes', {
        params: { after: cursor ?? 0, limit: options.pageSize ?? 100 },
      });
      return { changes: data.items.map(read), cursor: String(data.next), more: data.more };
    },
    async health() {
      const started = performance.now();
      const { data } = await http.get<{ status: string }>('/health');
      return { ok: data.status === 'ok', latencyMs: performance.now() - started };
    },
  };
}

function read(item: StockItem): PlatformRecord<StockItem> {
  const { value, loss } = mapOrRefuse(adapter, () => toCanonical(item), { stone: item.sku });
  return { ref: item.sku ?? '', native: item, canonical: value, loss };
}
