/**
 * The example third-party adapter (a jeweller's stock system), loaded the way the bridge loads any
 * third-party module, passes the whole conformance suite against its own server over real HTTP.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryOptions } from '../../examples/inventory-adapter/client.js';
import { inventoryTarget } from '../../examples/inventory-adapter/conformance.js';
import type { StockItem } from '../../examples/inventory-adapter/server.js';
import type { AdapterDefinition } from '../../src/adapters/contract.js';
import { loadAdapterModule } from '../../src/adapters/registry.js';
import { runAdapterConformance } from '../../src/conformance/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const adapter = (await loadAdapterModule(
  './examples/inventory-adapter/index.ts',
  repoRoot,
)) as AdapterDefinition<StockItem, InventoryOptions>;

it('the bridge loads the example module as the adapter its conformance target runs', () => {
  expect(adapter).toBe(inventoryTarget.adapter);
});

runAdapterConformance(inventoryTarget, { describe, it, expect, beforeAll, afterAll });

/**
 * The suite must be able to fail: the same adapter with two planted faults, a put that forgets its
 * idempotency key and a toCanonical that writes to its input, fails exactly the checks that guard them.
 */
const plantedFailures = [
  'a repeated put with the same idempotency key writes nothing more',
  'a put whose reply is lost fails as ambiguous and retryable, and its retry writes once',
  'golden ring-showcase-round: toCanonical and fromCanonical are pure',
];
const matched = new Set<string>();
const careless: AdapterDefinition<StockItem, InventoryOptions> = {
  ...adapter,
  name: 'inventory-careless',
  toCanonical(item) {
    const translation = adapter.toCanonical(item);
    delete item.location;
    return translation;
  },
  connect(options) {
    const client = adapter.connect(options);
    let puts = 0;
    return {
      ...client,
      put: (record, { idempotencyKey }) =>
        client.put(record, { idempotencyKey: `${idempotencyKey}-${++puts}` }),
    };
  },
};
const expectingPlantedFailures = (name: string, body: () => void | Promise<void>): void => {
  const planted = plantedFailures.find((failure) => name === failure);
  if (planted) matched.add(planted);
  (planted ? it.fails : it)(name, body);
};
runAdapterConformance(
  { ...inventoryTarget, adapter: careless, goldens: inventoryTarget.goldens.slice(0, 1) },
  { describe, it: expectingPlantedFailures, expect, beforeAll, afterAll },
);
it('the planted faults are each caught by a named conformance check', () => {
  expect([...matched].sort()).toEqual([...plantedFailures].sort());
});
