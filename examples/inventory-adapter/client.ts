/**
 * The stock system's client: every call over HTTP, every failure a classified PlatformError.
 */
// A real third-party adapter imports these from 'tracebridge'; the example reaches into the source tree.
import type {
  ChangePage,
  ConnectOptions,
  PlatformClient,
  PlatformRecord,
} from '../../src/adapters/contract.js';
import { PlatformError } from '../../src/adapters/errors.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { MappingError } from '../../src/mapping/errors.js';
import type { StockItem } from './server.js';
import { fromCanonical, toCanonical } from './transform.js';

/** How to reach a stock system. */
export interface InventoryOptions extends ConnectOptions {
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
      const item = mapOrRefuse(() => fromCanonical(record).value, record.id);
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
  const { value, loss } = mapOrRefuse(() => toCanonical(item), item.sku);
  return { ref: item.sku ?? '', native: item, canonical: value, loss };
}

/** Runs a transform; a value it cannot understand is final, so it fails as unrecoverable naming the field. */
function mapOrRefuse<T>(transform: () => T, stone: string | undefined): T {
  try {
    return transform();
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    const field = error.pointer.slice(1).replaceAll('/', '.');
    throw new PlatformError(error.message, {
      adapter,
      failure: 'unrecoverable',
      field,
      cause: error,
      ...(stone ? { stone } : {}),
    });
  }
}
