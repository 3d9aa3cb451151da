/**
 * The GIA client against the GIA-style simulator over real HTTP: quota spent only when a report changed,
 * GIA's errors classified, supersessions, searches, intake writes and the change-feed acknowledgement.
 */
import type { RunningGiaSimulator } from '../../../sim/gia/index.js';
import {
  documentedReportNumber,
  giaSampleAvailability,
  giaSampleSupersession,
} from '../../../sim/gia/samples.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectGia,
  createMemoryReportCache,
  type GiaConnectOptions,
} from '../../../src/adapters/gia/index.js';
import { PlatformError } from '../../../src/adapters/errors.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { admin, fetchAsPlan, giaTestKey, planState, reissue, startGia } from './support.js';

let gia: RunningGiaSimulator;
let options: GiaConnectOptions;

beforeAll(async () => {
  gia = await startGia();
  options = { url: `${gia.url}/graphql`, apiKey: giaTestKey };
});
afterAll(async () => {
  await gia.close();
});
beforeEach(async () => {
  await admin(gia, '/admin/reset');
});

async function failure(call: Promise<unknown>): Promise<PlatformError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome && outcome.error instanceof PlatformError) return outcome.error;
  throw new Error(`expected a PlatformError, got ${JSON.stringify(outcome)}`);
}

const [forbidden, inHouse] = (['forbidden', 'in_house'] as const).map(
  (kind) => Object.entries(giaSampleAvailability).find(([, availability]) => availability === kind)![0],
);

describe('gia client: quota', () => {
  it('a repeated get of an unchanged report spends no more quota', async () => {
    const client = connectGia(options);
    const first = await client.get(documentedReportNumber);
    const again = await client.get(documentedReportNumber);
    expect(again?.canonical).toEqual(first?.canonical);
    expect((await planState(gia)).spent).toBe(1);
  });

  it('a report the lab re-issued is fetched again once, then served from the cache', async () => {
    const client = connectGia(options);
    await client.get(documentedReportNumber);
    await reissue(gia, documentedReportNumber, 'Re-examined.');
    const changed = await client.get(documentedReportNumber);
    expect(changed?.native).toMatchObject({ results: { report_comments: 'Re-examined.' } });
    await client.get(documentedReportNumber);
    expect((await planState(gia)).spent).toBe(2);
  });

  it('clients that share a cache spend one lookup between them', async () => {
    const cache = createMemoryReportCache();
    await connectGia({ ...options, cache }).get(documentedReportNumber);
    await connectGia({ ...options, cache }).get(documentedReportNumber);
    expect((await planState(gia)).spent).toBe(1);
  });

  it('the memory cache forgets the least recently used report first', () => {
    const cache = createMemoryReportCache(2);
    const entry = (n: string) => ({ report: { report_number: n }, fetchedAt: 0, currentAsOf: '2024-01-01' });
    cache.set('1', entry('1'));
    cache.set('2', entry('2'));
    cache.get('1');
    cache.set('3', entry('3'));
    expect([cache.get('1'), cache.get('2'), cache.get('3')].map((e) => e?.report.report_number)).toEqual([
      '1',
      undefined,
      '3',
    ]);
  });

  it('health reports the lookups left on the plan', async () => {
    const health = await connectGia(options).health();
    expect(health).toMatchObject({ ok: true, detail: '10000 report lookups left on the plan' });
  });
});

describe('gia client: errors', () => {
  it('a report GIA does not have answers null and spends nothing', async () => {
    expect(await connectGia(options).get('1234567890')).toBeNull();
    expect((await planState(gia)).spent).toBe(0);
  });

  it('a report the plan may not see (FORBIDDEN) is unrecoverable', async () => {
    const error = await failure(connectGia(options).get(forbidden!));
    expect(error).toMatchObject({ failure: 'unrecoverable', stone: forbidden });
    expect(error.message).toContain('FORBIDDEN');
  });

  it('a stone back at the lab (REPORT IN HOUSE) is retryable', async () => {
    expect(await failure(connectGia(options).get(inHouse!))).toMatchObject({ failure: 'retryable' });
  });

  it('a spent quota (QUOTA REACHED) is retryable, after the quota period ends', async () => {
    const small = await startGia({ quota: 1 });
    try {
      const client = connectGia({ url: `${small.url}/graphql`, apiKey: giaTestKey });
      await client.get(documentedReportNumber);
      const error = await failure(client.get('2141438169'));
      expect(error.failure).toBe('retryable');
      expect(error.message).toContain('QUOTA REACHED');
      expect(error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  it('a wrong API key (HTTP 403) is unrecoverable', async () => {
    const error = await failure(connectGia({ ...options, apiKey: 'wrong' }).get(documentedReportNumber));
    expect(error).toMatchObject({ failure: 'unrecoverable', status: 403 });
  });

  it('rate limiting (HTTP 429) is retryable and carries Retry-After', async () => {
    const client = connectGia(options);
    await admin(gia, '/admin/faults', { rateLimitPerSec: 1 });
    const error = await failure(Promise.all([1, 2, 3].map(() => client.get(documentedReportNumber))));
    expect(error).toMatchObject({ failure: 'retryable', status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('a cursor the feed did not give is refused naming the cursor', async () => {
    const error = await failure(connectGia(options).changes!('not-a-cursor'));
    expect(error).toMatchObject({ failure: 'unrecoverable', field: 'cursor' });
  });
});

describe('gia client: finding stones', () => {
  it('a superseded number answers the new report, and both numbers find it', async () => {
    const { superseded, by } = giaSampleSupersession;
    const client = connectGia(options);
    const record = await client.get(superseded);
    expect(record?.ref).toBe(by);
    expect(record?.canonical.identifiers?.giaReportNumber).toBe(by);
    expect(record?.loss).toContainEqual(
      expect.objectContaining({ pointer: '/info_message', kind: 'dropped' }),
    );
    for (const number of [superseded, by]) {
      expect((await client.find({ giaReportNumber: number })).map((r) => r.ref)).toEqual([by]);
    }
  });

  it('an inscription "GIA n" finds report n; a Tracr ID is not searchable and spends nothing', async () => {
    const client = connectGia(options);
    expect((await client.find({ inscription: `GIA ${documentedReportNumber}` })).map((r) => r.ref)).toEqual([
      documentedReportNumber,
    ]);
    const spent = (await planState(gia)).spent;
    expect(await client.find({ tracrId: 'TRACR-E0510000A171' })).toEqual([]);
    expect((await planState(gia)).spent).toBe(spent);
  });

  it('a rough control number finds the intake record as a rough stone', async () => {
    const [found] = await connectGia(options).find({ roughControlNumber: 'RCN-BW-19-0001' });
    expect(found?.ref).toBe('RCN-BW-19-0001');
    expect(found?.canonical).toMatchObject({
      kind: 'rough',
      origin: { country: 'BW' },
      rough: { caratWeight: 2.861 },
    });
  });
});

describe('gia client: writes to the Mine-to-Market intake', () => {
  const rough: DiamondRecord = {
    schemaVersion: '1',
    kind: 'rough',
    identifiers: { roughControlNumber: 'RCN-ZA-24-0042' },
    origin: { country: 'ZA', producer: 'Karoo Mineral Resources', mine: 'Vaal River West' },
    rough: { caratWeight: 4.207 },
  };
  const writes = async () => ((await (await fetch(`${gia.url}/admin/writes`)).json()) as unknown[]).length;

  it('creates, then finds the same content unchanged, then updates a changed weight', async () => {
    const client = connectGia(options);
    expect(await client.put(rough, { idempotencyKey: 'k1' })).toEqual({
      ref: 'RCN-ZA-24-0042',
      outcome: 'created',
    });
    expect(await client.put(rough, { idempotencyKey: 'k1' })).toEqual({
      ref: 'RCN-ZA-24-0042',
      outcome: 'unchanged',
    });
    const reweighed = { ...rough, rough: { caratWeight: 4.21 } };
    expect(await client.put(reweighed, { idempotencyKey: 'k2' })).toMatchObject({ outcome: 'updated' });
    expect(gia.state.intake.records.get('RCN-ZA-24-0042')?.rough_weight_carats).toBe(4.21);
    expect(await writes()).toBe(2);
  });

  it('a polished stone without a rough control number is refused before any call, naming the field', async () => {
    const polished: DiamondRecord = {
      schemaVersion: '1',
      kind: 'polished',
      polished: { shape: 'round', caratWeight: 1.01 },
    };
    const error = await failure(connectGia(options).put(polished, { idempotencyKey: 'k3' }));
    expect(error).toMatchObject({ failure: 'unrecoverable', field: 'identifiers.roughControlNumber' });
    expect(await writes()).toBe(0);
  });
});

describe('gia client: change feed', () => {
  it("clears GIA's feed only when handed back the cursor that covers every change", async () => {
    const client = connectGia({ ...options, changesPageSize: 1 });
    for (const number of ['2141438169', documentedReportNumber]) {
      await fetchAsPlan(gia, number);
      await reissue(gia, number, 'Re-examined.');
    }
    const first = await client.changes!(null);
    expect(first).toMatchObject({ more: true, changes: [{ ref: '2141438169' }] });
    const second = await client.changes!(first.cursor);
    expect(second).toMatchObject({ more: false, changes: [{ ref: documentedReportNumber }] });
    expect((await planState(gia)).pendingChanges).toBe(2);
    const caughtUp = await client.changes!(second.cursor);
    expect(caughtUp.changes).toEqual([]);
    expect((await planState(gia)).pendingChanges).toBe(0);
  });

  it('a report that changes again after it was handed out comes round again', async () => {
    const client = connectGia(options);
    await fetchAsPlan(gia, documentedReportNumber);
    await reissue(gia, documentedReportNumber, 'First re-examination.');
    const first = await client.changes!(null);
    await reissue(gia, documentedReportNumber, 'Second re-examination.');
    const second = await client.changes!(first.cursor);
    expect(second.changes).toHaveLength(1);
    expect(second.changes[0]?.native).toMatchObject({
      results: { report_comments: 'Second re-examination.' },
    });
  });
});
