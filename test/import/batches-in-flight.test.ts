/**
 * An import registers one batch while it reads the next: rows of one stone in adjacent batches (a file
 * that lists a stone again with a corrected weight) must still be taken in file order, one stone each,
 * the later row winning, and the progress must count every row once.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeImport } from '../../src/import/run.js';
import { spoolUpload } from '../../src/import/upload.js';
import { startBridge, type TestBridge } from '../api/support.js';
import { producerColumns, producerHeader, producerRow } from './support.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge.close();
});

describe('batches in flight', () => {
  it('takes a stone named in adjacent batches in file order, registering it once', async () => {
    const { store, queues, adapters } = bridge.built.services;
    // Batches of two: stone 1 in batches 1, 2 and 4; stone 2 in batches 1 and 3; the last row of each
    // stone weighs most, so only file order leaves the heavier weight stored.
    const rows = [
      producerRow(1, 'FLY'),
      producerRow(2, 'FLY'),
      producerRow(1, 'FLY').replace(',0.101,', ',0.2,'),
      producerRow(3, 'FLY'),
      producerRow(2, 'FLY').replace(',0.102,', ',0.3,'),
      producerRow(4, 'FLY'),
      producerRow(5, 'FLY'),
      producerRow(1, 'FLY').replace(',0.101,', ',0.4,'),
    ];
    const csv = `${producerHeader}\r\n${rows.join('\r\n')}\r\n`;
    const progress: number[] = [];
    const id = await spoolUpload(store, Readable.from([Buffer.from(csv)]), {
      format: 'csv',
      columns: producerColumns,
      actor: 'api:test',
      org: 'demo-mining',
      maxBytes: 1024 * 1024,
    });
    const state = await executeImport({ store, queues: queues!, adapters }, id, {
      batchSize: 2,
      onProgress: ({ rows }) => progress.push(rows.read),
    });

    expect(state.status).toBe('done');
    expect(state.rows).toEqual({ read: 8, registered: 8, unchanged: 0, refused: 0 });
    // Committed in file order, each batch once.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(8);
    const weight = async (n: number) => {
      const stone = await store.identity.findByIdentifier('producerRef', `LOT-FLY-${n}`, 'demo-mining');
      expect(stone).toMatch(/^tb_/);
      return (await store.diamonds.get(stone!))?.record.rough?.caratWeight;
    };
    expect(await weight(1)).toBe(2);
    expect(await weight(2)).toBe(1.5);
    for (const n of [3, 4, 5]) expect(await weight(n)).toBeGreaterThan(0);
    // Five stones, however many rows named them.
    const stones = await store.identity.findManyByIdentifier(
      [1, 2, 3, 4, 5].map((n) => ({ name: 'producerRef', value: `LOT-FLY-${n}`, org: 'demo-mining' })),
    );
    expect(new Set(stones).size).toBe(5);
  });
});
