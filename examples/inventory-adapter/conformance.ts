/**
 * The stock system as a conformance target: how the suite starts it, reads what landed on its own side
 * (past the adapter), and which records must round-trip or be refused. The project's own tests run it with
 * vitest; a shop's project runs the same target with any runner:
 *
 * ```ts
 * import { describe, it, before, after } from 'node:test';
 * import assert from 'node:assert/strict';
 * import { runAdapterConformance } from 'tracebridge/conformance';
 * runAdapterConformance(inventoryTarget, { describe, it, beforeAll: before, afterAll: after, expect });
 * ```
 */
import type { DiamondRecord } from 'tracebridge';
import type { ConformanceTarget } from 'tracebridge/conformance';
import type { InventoryOptions } from './client.js';
import adapter from './index.js';
import { startInventory, type StockItem } from './server.js';

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

export const inventoryTarget: ConformanceTarget<StockItem, InventoryOptions> = {
  adapter,
  async start() {
    const server = await startInventory(0, 'shop-key', 'shop-1');
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
      connect: { url: server.url, apiKey: 'shop-key', accountId: 'shop-1', pageSize: 2 },
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
