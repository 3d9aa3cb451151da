/**
 * An example third-party adapter: a jeweller's stock system. Load it with
 * `loadAdapterModule('examples/inventory-adapter/index.ts')` or name it in the bridge's adapter modules.
 */
import { defineAdapter } from 'tracebridge';
import { connectInventory, type InventoryOptions } from './client.js';
import type { StockItem } from './server.js';
import { fromCanonical, toCanonical } from './transform.js';

export default defineAdapter<StockItem, InventoryOptions>({
  name: 'inventory',
  description: "A jeweller's stock system: polished stones on the shelf under SKUs",
  capabilities: {
    read: true,
    write: true,
    changeFeed: true,
    batchWriteSize: 1,
    finality: 'immediate',
    writes: ['identifiers', 'grading'],
  },
  // The shop knows what is on its shelf, but grades and origin belong to the lab and the producer.
  authoritative: [],
  // Beyond the URL and API key every adapter gets: the shop's account, read from
  // TRACEBRIDGE_INVENTORY_ACCOUNT_ID and checked when the bridge starts.
  options: {
    type: 'object',
    properties: {
      accountId: { type: 'string', minLength: 1, description: "the shop's account on the stock system" },
      pageSize: { type: 'integer', minimum: 1, maximum: 1000, description: 'changes per page of the feed' },
    },
    required: ['accountId'],
  },
  toCanonical,
  fromCanonical,
  connect: connectInventory,
});
