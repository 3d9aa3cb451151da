/**
 * A killed import resumes: an import worker in its own process (the compiled dist/, built by `npm test`;
 * run `npm run build` first when running this file alone) is killed with SIGKILL half way through a file;
 * another one takes the job over once its lock lapses and reads on from the last committed batch. Every row
 * ends up registered exactly once and no stone is written twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCHES_IN_FLIGHT } from '../../src/import/run.js';
import { packageRoot } from '../../src/package-root.js';
import { bearer, startBridge, type TestBridge } from '../api/support.js';
import { waitUntil } from '../queue/support.js';
import { columnsHeader, producerColumns, producerCsv } from './support.js';

// An import worker alone, as `tracebridge worker` runs it, over the compiled code.
const workerScript = `
import { createImportWorker } from ${JSON.stringify(join(packageRoot, 'dist/src/import/import-jobs.js'))};
import { giaAdapter } from ${JSON.stringify(join(packageRoot, 'dist/src/adapters/gia/index.js'))};
import { tracrAdapter } from ${JSON.stringify(join(packageRoot, 'dist/src/adapters/tracr/index.js'))};
import { loadConfig } from ${JSON.stringify(join(packageRoot, 'dist/src/config.js'))};
import { createQueues, queueConnection } from ${JSON.stringify(join(packageRoot, 'dist/src/queue/queues.js'))};
import { createStore } from ${JSON.stringify(join(packageRoot, 'dist/src/store/index.js'))};
const config = loadConfig();
const connection = queueConnection(config.redisUrl);
const store = createStore(connection, { prefix: config.prefix + ':' });
const queues = createQueues(connection, config, ['gia', 'tracr']);
const worker = createImportWorker({
  connection, prefix: config.prefix, batchSize: config.importBatchSize,
  ingest: { store, queues, adapters: new Map([['gia', giaAdapter], ['tracr', tracrAdapter]]) },
  lockDuration: config.retry.lockDurationMs, stalledInterval: config.retry.stalledIntervalMs,
});
worker.on('error', () => undefined);
process.stdout.write('ready\\n');
`;

let bridge: TestBridge;
const children: ChildProcess[] = [];

beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await bridge.close();
});

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--input-type=module', '-e', workerScript], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: bridge.redis.url,
      TRACEBRIDGE_PREFIX: '{tbtest}',
      TRACEBRIDGE_IMPORT_BATCH_SIZE: '25',
      TRACEBRIDGE_LOCK_DURATION_MS: '3000',
      TRACEBRIDGE_STALLED_INTERVAL_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

describe('a killed import', () => {
  it('resumes from its last committed batch in another worker, registering every row once', async () => {
    const rows = 4_000;
    const started = await request(bridge.app)
      .post('/v1/imports')
      .set('authorization', bearer.producer)
      .set('content-type', 'text/csv')
      .set('tracebridge-columns', columnsHeader(producerColumns))
      .send(Buffer.from(producerCsv(rows, { batch: 'KILL' })));
    expect(started.status).toBe(202);
    const id = (started.body as { id: string }).id;
    const imports = bridge.built.services.store.imports;

    const first = startWorkerProcess();
    await waitUntil(
      'the first worker has imported some rows',
      async () => ((await imports.get(id))?.rows.read ?? 0) >= 500,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = (await imports.get(id))!;
    expect(atKill.status).toBe('running');
    expect(atKill.rows.read).toBeLessThan(rows);

    startWorkerProcess();
    const done = await waitUntil(
      'the import finishes in the second worker',
      async () => {
        const state = await imports.get(id);
        return state?.status === 'done' ? state : undefined;
      },
      280_000,
    );
    expect(done.attempt).toBeGreaterThanOrEqual(2);
    expect(done.rows.read).toBe(rows);
    expect(done.rows.refused).toBe(0);
    expect(done.rows.registered + done.rows.unchanged).toBe(rows);
    // Only the batches in flight at the kill can be read twice; everything before them was not read again.
    expect(done.rows.unchanged).toBeLessThanOrEqual(BATCHES_IN_FLIGHT * 25);
    const store = bridge.built.services.store;
    expect(await store.diamonds.count()).toBe(rows);
    const ids: string[] = [];
    for await (const stoneId of store.diamonds.ids()) ids.push(stoneId);
    const stored = await store.diamonds.getMany(ids);
    expect(stored.filter((stone) => stone?.version !== 1)).toEqual([]);
  }, 400_000);
});
