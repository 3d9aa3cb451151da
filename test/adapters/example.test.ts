/**
 * The example third-party adapter (a jeweller's stock system), loaded the way the bridge loads any
 * third-party module, passes the whole conformance suite against its own server over real HTTP.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryOptions } from '../../examples/inventory-adapter/client.js';
import { startInventory, type StockItem } from '../../examples/inventory-adapter/server.js';
import type { AdapterDefinition } from '../../src/adapters/contract.js';
import { loadAdapterModule } from '../../src/adapters/registry.js';
import type { DiamondRecord } from '../../src/types/diamond.js';
import { runAdapterConformance, type ConformanceTarget } from '../../src/conformance/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const adapter = (await loadAdapterModule(
  './examples/inventory-adapter/index.ts',
  repoRoot,
)) as AdapterDefinition<StockItem, InventoryOptions>;

const roundBrilliant: DiamondRecord = {
  schemaVersion: '1',
  id: 'tb_inv000001',
  kind: 'polished',
  identifiers: { giaReportNumber: '2141438171', inscription: 'GIA 2141438171' },
  polished: { shape: 'round', caratWeight: 1.01, color: { scale: 'DZ', grade: 'G' }, clarity: 'VS1' },
};

/** Carries what the shelf has no place for (a ledger ID, a cut grade, the report block): lost, and reported. */
const gradedOval: DiamondRecord = {
  schemaVersion: '1',
  kind: 'polished',
  identifiers: { giaReportNumber: '6225334409', tracrId: 'TRC-8F3A-0042' },
  polished: {
    shape: 'oval',
    caratWeight: 0.723,
    color: { scale: 'DZ', grade: 'OP' },
    clarity: 'SI1',
    cut: 'VG',
  },
  grading: { lab: 'GIA', reportNumber: '6225334409', reportDate: '2024-02-14' },
};

let received = 0;

const inventoryTarget: ConformanceTarget<StockItem, InventoryOptions> = {
  adapter,
  async start() {
    const server = await startInventory(0, 'shop-key');
    const { room } = server;
    const admin = async (path: string, body?: unknown): Promise<void> => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    };
    return {
      connect: { url: server.url, apiKey: 'shop-key', pageSize: 2 },
      farSide: {
        committedWrites: (sku) =>
          Promise.resolve(
            sku === undefined
              ? [...room.writes.values()].reduce((a, b) => a + b, 0)
              : (room.writes.get(sku) ?? 0),
          ),
        readNative: (sku) => Promise.resolve(room.items.get(sku)?.item ?? null),
        setFaults: (faults) => admin('/admin/faults', faults),
        makeChange(sku) {
          // As the shop floor would: move a stone to another showcase, or receive a new one from a supplier.
          const stocked = sku === undefined ? undefined : room.items.get(sku)?.item;
          if (stocked)
            return Promise.resolve(room.apply({ ...stocked, location: `showcase ${++received}` }).sku!);
          const n = ++received;
          const report = String(7000000000 + n);
          const item = {
            caratWeight: 0.5 + n / 100,
            shape: 'CU',
            colour: 'F',
            giaReportNumber: report,
            inscription: `GIA ${report}`,
          };
          return Promise.resolve(room.apply(item).sku!);
        },
        reset: () => admin('/admin/reset'),
      },
      stop: () => server.close(),
    };
  },
  goldens: [
    {
      name: 'ring-showcase-round',
      native: {
        sku: 'SKU-000041',
        bridgeId: 'tb_inv000041',
        caratWeight: 1.01,
        shape: 'RB',
        colour: 'G',
        clarity: 'VS1',
        giaReportNumber: '2141438171',
        inscription: 'GIA 2141438171',
        location: 'safe 2',
      },
      canonical: {
        schemaVersion: '1',
        id: 'tb_inv000041',
        kind: 'polished',
        identifiers: { giaReportNumber: '2141438171', inscription: 'GIA 2141438171' },
        polished: { shape: 'round', caratWeight: 1.01, color: { scale: 'DZ', grade: 'G' }, clarity: 'VS1' },
        extensions: { inventory: { sku: 'SKU-000041', location: 'safe 2' } },
      },
    },
    { name: 'loose-pear-ungraded', native: { sku: 'SKU-000042', caratWeight: 0.3, shape: 'PS' } },
    {
      name: 'weighed-to-the-ten-thousandth',
      native: { sku: 'SKU-000043', caratWeight: 2.0106, shape: 'EM', colour: 'YZ', clarity: 'I1' },
      expectedLoss: ['/caratWeight'],
    },
  ],
  writable: [roundBrilliant, gradedOval],
  unwritable: [
    {
      name: 'a rough stone',
      record: { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 3.2 } },
      field: 'kind',
    },
    {
      name: 'a fancy pink',
      record: {
        schemaVersion: '1',
        kind: 'polished',
        polished: {
          shape: 'heart',
          caratWeight: 0.51,
          color: { scale: 'fancy', intensity: 'INT', hue: 'purplish pink' },
        },
      },
      field: 'polished.color',
    },
  ],
  unknownRef: 'SKU-999999',
  lacks: { batch: true },
  findableBy: ['giaReportNumber', 'inscription'],
  feedChanges: 5,
};

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
