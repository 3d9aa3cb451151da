/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- supertest answers are untyped JSON; each test asserts their shape */
/**
 * Bulk import over HTTP against both simulators: 10,000 rows of a producer's CSV through a column map and
 * as NDJSON, a second import of the same file that changes nothing, a file with 3% bad rows whose refused
 * rows come back to be fixed, and the files refused whole before any row is read.
 */
import type { Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../queue/support.js';
import {
  columnsHeader,
  producerCarats,
  producerColumns,
  producerCsv,
  producerHeader,
  producerNdjson,
  producerRow,
  startImportWorker,
} from '../import/support.js';
import { bearer, startBridge, type TestBridge } from './support.js';

let bridge: TestBridge;
let worker: Worker;
beforeAll(async () => {
  bridge = await startBridge({ settings: { importMaxBytes: 4 * 1024 * 1024 } });
  worker = startImportWorker(bridge);
});
afterAll(async () => {
  await worker.close();
  await bridge.close();
});

const store = () => bridge.built.services.store;

async function upload(body: string | Buffer, type: string, options: { map?: unknown; key?: string } = {}) {
  let test = request(bridge.app)
    .post('/v1/imports')
    .set('authorization', options.key ?? bearer.producer)
    .set('content-type', type);
  if (options.map !== undefined) test = test.set('tracebridge-columns', columnsHeader(options.map));
  return test.send(Buffer.isBuffer(body) ? body : Buffer.from(body));
}

async function finished(id: string, query = '', key: string = bearer.producer) {
  return waitUntil(
    `import ${id} finishes`,
    async () => {
      const answer = await request(bridge.app).get(`/v1/imports/${id}${query}`).set('authorization', key);
      expect(answer.status).toBe(200);
      return answer.body.status === 'running' ? undefined : answer.body;
    },
    280_000,
  );
}

async function stoneByControlNumber(value: string) {
  const id = await store().identity.findByIdentifier('roughControlNumber', value, 'demo-mining');
  return id === null ? null : store().diamonds.get(id);
}

describe('POST /v1/imports', () => {
  it('imports 10,000 rows of a producer CSV through its column map, then the same file again changes nothing', async () => {
    const csv = producerCsv(10_000);
    const started = await upload(csv, 'text/csv', { map: producerColumns });
    expect(started.status).toBe(202);
    expect(started.body.id).toMatch(/^im_/);
    const done = await finished(started.body.id);
    expect(done).toMatchObject({
      status: 'done',
      rows: { read: 10_000, registered: 10_000, unchanged: 0, refused: 0 },
      errors: [],
    });
    const stone = await stoneByControlNumber('RC-W14-000777');
    expect(stone?.record).toMatchObject({
      kind: 'rough',
      owner: { org: 'demo-mining' },
      identifiers: { roughControlNumber: 'RC-W14-000777', producerRef: 'LOT-W14-777' },
      rough: { caratWeight: producerCarats(777) },
      origin: { mine: 'Jwaneng, Pit 3', country: 'BW' },
      extensions: { sorting: { box: 'B17' } },
    });
    expect(stone?.record.extensions).not.toHaveProperty('Remarks');
    const count = await store().diamonds.count();
    const versions = await store().diamonds.getMany([stone!.record.id!]);

    const again = await upload(csv, 'text/csv', { map: producerColumns });
    const second = await finished(again.body.id);
    expect(second.rows).toEqual({ read: 10_000, registered: 0, unchanged: 10_000, refused: 0 });
    expect(await store().diamonds.count()).toBe(count);
    expect((await store().diamonds.get(stone!.record.id!))?.version).toBe(versions[0]!.version);
  }, 600_000);

  it('imports 10,000 canonical NDJSON records, and an edited record updates its stone only', async () => {
    const before = await store().diamonds.count();
    const ndjson = producerNdjson(10_000);
    const done = await finished((await upload(ndjson, 'application/x-ndjson')).body.id);
    expect(done.rows).toEqual({ read: 10_000, registered: 10_000, unchanged: 0, refused: 0 });
    expect(await store().diamonds.count()).toBe(before + 10_000);

    const edited = ndjson.replace('"caratWeight":0.505}', '"caratWeight":0.6}');
    expect(edited).not.toBe(ndjson);
    const again = await finished((await upload(edited, 'application/x-ndjson')).body.id);
    expect(again.rows).toEqual({ read: 10_000, registered: 1, unchanged: 9_999, refused: 0 });
    expect(await store().diamonds.count()).toBe(before + 10_000);
    expect((await stoneByControlNumber('RC-NJ-1'))?.record.rough?.caratWeight).toBe(0.6);
  }, 600_000);

  it('registers the good rows of a file with 3% bad ones and lists exactly the bad ones, which come back to fix', async () => {
    const isBad = (n: number) => n % 33 === 0;
    const csv = producerCsv(3_000, { batch: 'BAD', bad: isBad });
    const badLines = Array.from({ length: 3_000 }, (_, i) => i + 1)
      .filter(isBad)
      .map((n) => n + 1);
    const id = (await upload(csv, 'text/csv', { map: producerColumns })).body.id as string;
    const done = await finished(id, '?limit=1000');
    expect(done.rows).toEqual({
      read: 3_000,
      registered: 3_000 - badLines.length,
      unchanged: 0,
      refused: badLines.length,
    });
    expect(done.errors.map((e: { line: number }) => e.line)).toEqual(badLines);
    expect(done.errors[0]).toMatchObject({
      line: 34,
      column: 'Wt (g)',
      value: 'heavy',
      message: expect.stringMatching(/a weight/),
    });
    expect(done.errors.find((e: { line: number }) => e.line === 100)).toMatchObject({
      column: 'Wt (g)',
      value: '0.5 ct',
      message: expect.stringMatching(/grams/),
    });
    expect(done.errors.find((e: { line: number }) => e.line === 67)).toMatchObject({
      column: 'Country',
      value: 'Atlantis',
    });
    expect(done.errors.find((e: { line: number }) => e.line === 133)).toMatchObject({
      column: 'Wt (g)',
      value: '=SUM(A1:A3)',
      message: expect.stringMatching(/formula/),
    });
    expect(await stoneByControlNumber('RC-BAD-000033')).toBeNull();

    const refused = await request(bridge.app)
      .get(`/v1/imports/${id}/refused.csv`)
      .set('authorization', bearer.producer);
    expect(refused.status).toBe(200);
    expect(refused.headers['content-type']).toMatch(/^text\/csv/);
    const lines = refused.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(producerHeader);
    expect(lines).toHaveLength(1 + badLines.length);

    const fixed = [producerHeader, ...badLines.map((line) => producerRow(line - 1, 'BAD'))].join('\r\n');
    const redo = await finished((await upload(fixed, 'text/csv', { map: producerColumns })).body.id);
    expect(redo.rows).toEqual({
      read: badLines.length,
      registered: badLines.length,
      unchanged: 0,
      refused: 0,
    });
    expect((await stoneByControlNumber('RC-BAD-000033'))?.record.rough?.caratWeight).toBe(producerCarats(33));
  }, 600_000);

  it('refuses a header naming an unknown column before reading the file, keeping nothing', async () => {
    const keys = await store().redis.dbsize();
    const answer = await upload('Control No,Colour Code\nRC-1,D\n', 'text/csv', {
      map: { 'Control No': 'identifiers.roughControlNumber' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/"Colour Code"/);
    expect(answer.body.errors[0].pointer).toBe('#/header/Colour Code');
    expect(await store().redis.dbsize()).toBe(keys);
  });

  it('refuses a file separated by semicolons, saying so', async () => {
    const answer = await upload(
      '\ufeffidentifiers.roughControlNumber;rough.caratWeight\r\nRC-1;0.5\r\n',
      'text/csv',
    );
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/separated by semicolons/);
  });

  it('takes canonical paths in the header without a map, with a BOM, quoted line breaks and empty lines', async () => {
    const csv =
      '\ufeffidentifiers.roughControlNumber,rough.caratWeight,origin.mine\r\n\r\nRC-PLAIN-1,1.234,"Venetia\r\nNorth"\r\n,,\r\nRC-PLAIN-2,0.51 ct,Venetia\r\n';
    const done = await finished((await upload(csv, 'text/csv')).body.id);
    expect(done.rows).toEqual({ read: 2, registered: 2, unchanged: 0, refused: 0 });
    expect((await stoneByControlNumber('RC-PLAIN-1'))?.record.origin?.mine).toBe('Venetia\nNorth');
  });

  it('refuses a file over the configured limit with 413 and keeps nothing', async () => {
    const keys = await store().redis.dbsize();
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const answer = await upload(
      Buffer.concat([Buffer.from('identifiers.roughControlNumber\n'), big]),
      'text/csv',
    );
    expect(answer.status).toBe(413);
    expect(await store().redis.dbsize()).toBe(keys);
  });

  it('imports the same producer references for two organisations as two stones each, and again as unchanged', async () => {
    const csv = producerCsv(2, { batch: 'BOTH' });
    const asEach = async (key: string) =>
      finished((await upload(csv, 'text/csv', { map: producerColumns, key })).body.id, '', key);
    expect((await asEach(bearer.producer)).rows).toEqual({
      read: 2,
      registered: 2,
      unchanged: 0,
      refused: 0,
    });
    expect((await asEach(bearer.otherProducer)).rows).toEqual({
      read: 2,
      registered: 2,
      unchanged: 0,
      refused: 0,
    });
    expect((await asEach(bearer.otherProducer)).rows).toEqual({
      read: 2,
      registered: 0,
      unchanged: 2,
      refused: 0,
    });
    expect((await asEach(bearer.producer)).rows).toEqual({
      read: 2,
      registered: 0,
      unchanged: 2,
      refused: 0,
    });
    const identity = store().identity;
    const demo = await identity.findByIdentifier('producerRef', 'LOT-BOTH-1', 'demo-mining');
    const kalahari = await identity.findByIdentifier('producerRef', 'LOT-BOTH-1', 'kalahari-mining');
    expect(demo).toMatch(/^tb_/);
    expect(kalahari).toMatch(/^tb_/);
    expect(kalahari).not.toBe(demo);
  });

  it("refuses other content types, and hides another organisation's import", async () => {
    expect((await upload('{}', 'application/json')).status).toBe(415);
    const id = (await upload('identifiers.roughControlNumber,rough.caratWeight\nRC-HIDE-1,1\n', 'text/csv'))
      .body.id as string;
    await finished(id);
    const other = await request(bridge.app)
      .get(`/v1/imports/${id}`)
      .set('authorization', bearer.otherProducer);
    expect(other.status).toBe(404);
    const reader = await request(bridge.app).get(`/v1/imports/${id}`).set('authorization', bearer.reader);
    expect(reader.status).toBe(403);
  });
});
