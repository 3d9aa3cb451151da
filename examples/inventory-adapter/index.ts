/**
 * An example third-party adapter: a jeweller's stock system. Load it with
 * `loadAdapterModule('examples/inventory-adapter/index.ts')` or name it in the bridge's adapter modules.
 */
// A real third-party adapter imports defineAdapter from 'tracebridge'; the example reaches into the source tree.
import { defineAdapter } from '../../src/adapters/define.js';
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
  toCanonical,
  fromCanonical,
  connect: connectInventory,
});
