/**
 * `tracebridge queues repartition`: the waiting, delayed and prioritized sync jobs move from one partition
 * count to another, each exactly once (counted by job ID before and after), into the partition its stone
 * chooses, with its data, state and due time; a move stopped half-way converges when run again; running
 * jobs refuse the move.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeConfig } from '../../src/config.js';
import { syncJobId, syncQueueName } from '../../src/queue/job-ids.js';
import { partitionOf } from '../../src/queue/partitions.js';
import { createQueues, enqueueSync } from '../../src/queue/queues.js';
import { ActiveJobsError, repartition } from '../../src/queue/repartition.js';
import { connectRedis, newDiamondId, type RedisClient } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { testConfig } from './support.js';

const PLATFORMS = ['gia', 'tracr'];
const HOUR = 3_600_000;

let redis: TestRedis;
let connection: RedisClient;
beforeAll(async () => {
  redis = await startRedis();
  connection = connectRedis({ url: redis.url }, 'queue');
});
afterAll(async () => {
  connection.disconnect();
  await redis.stop();
});

interface Held {
  partition: number;
  state: string;
  diamondId: string;
  due?: number;
}

/** Every sync job waiting to run under `config`'s layout, by job ID; fails on a job held twice. */
async function jobsIn(config: BridgeConfig): Promise<Map<string, Held>> {
  const queues = createQueues(connection, config, PLATFORMS);
  try {
    const held = new Map<string, Held>();
    for (const platform of PLATFORMS) {
      for (const [partition, queue] of queues.syncPartitions(platform).entries()) {
        for (const state of ['waiting', 'delayed', 'prioritized'] as const) {
          for (const job of await queue.getJobs([state])) {
            expect(held.has(job.id!), `${job.id} held twice`).toBe(false);
            const score = await connection.zscore(queue.keys.delayed!, job.id!);
            held.set(job.id!, {
              partition,
              state,
              diamondId: job.data.diamondId,
              ...(score === null ? {} : { due: Math.floor(Number(score) / 0x1000) }),
            });
          }
        }
      }
    }
    return held;
  } finally {
    await queues.close();
  }
}

/** Queues `stones` new stones' jobs under `config`: a third waiting, a third delayed, a third prioritized. */
async function queueJobs(config: BridgeConfig, stones: number): Promise<void> {
  const queues = createQueues(connection, config, PLATFORMS);
  try {
    for (let i = 0; i < stones; i++) {
      const diamondId = newDiamondId();
      const hash = `${i.toString(16).padStart(4, '0')}${'c'.repeat(60)}`;
      for (const target of PLATFORMS) {
        if (i % 3 === 0) {
          await enqueueSync(queues, [{ target, diamondId, hash }]);
          continue;
        }
        const opts = i % 3 === 1 ? { delay: HOUR + i } : { priority: 1 + (i % 5) };
        await queues
          .sync(target, diamondId)
          .add('sync', { diamondId, hash }, { jobId: syncJobId(target, diamondId, hash), ...opts });
      }
    }
  } finally {
    await queues.close();
  }
}

/** Every job of `before` is in `after` once, in its stone's partition of `to`, in the same state and due time. */
function expectMoved(before: Map<string, Held>, after: Map<string, Held>, to: number): void {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [id, held] of before) {
    const moved = after.get(id)!;
    expect(moved.partition, id).toBe(partitionOf(held.diamondId, to));
    expect({ ...moved, partition: 0 }, id).toEqual({ ...held, partition: 0 });
  }
}

describe('repartitioning the sync queues', () => {
  it('moves waiting, delayed and prioritized jobs from 1 to 3 partitions and from 3 to 2, each once', async () => {
    const one = testConfig(redis);
    const layout = (queuePartitions: number) => ({ ...one, queuePartitions });
    await queueJobs(one, 90);
    const before = await jobsIn(one);
    expect(before.size).toBe(180);
    expect(new Set([...before.values()].map((held) => held.state)).size).toBe(3);

    const first = await repartition(connection, { prefix: one.prefix, platforms: PLATFORMS, from: 1, to: 3 });
    expect(first.moved).toEqual({ gia: 90, tracr: 90 });
    expect(first.unplaced).toEqual([]);
    expect((await jobsIn(one)).size).toBe(0);
    const onThree = await jobsIn(layout(3));
    expectMoved(before, onThree, 3);
    expect(new Set([...onThree.values()].map((held) => held.partition)).size).toBe(3);

    const second = await repartition(connection, {
      prefix: one.prefix,
      platforms: PLATFORMS,
      from: 3,
      to: 2,
    });
    // Partitions 0 and 1 keep the names they had: only the jobs whose partition changes move.
    expect(second.moved.gia! + second.kept.gia!).toBe(90);
    expect(second.kept.gia).toBeGreaterThan(0);
    const onTwo = await jobsIn(layout(2));
    expectMoved(before, onTwo, 2);
    expect((await jobsIn(layout(3))).size).toBe(onTwo.size);
    expect([...(await jobsIn(layout(3))).values()].every((held) => held.partition < 2)).toBe(true);
  });

  it('a move stopped half-way converges when run again: no job lost, none twice', async () => {
    const one = testConfig(redis);
    const three = { ...one, queuePartitions: 3 };
    await queueJobs(one, 30);
    const before = await jobsIn(one);
    // As a crash would leave it: some jobs copied and removed, some copied and not yet removed.
    const source = createQueues(connection, one, PLATFORMS);
    const target = createQueues(connection, three, PLATFORMS);
    let copiedOnly = 0;
    try {
      for (const [index, job] of (await source.syncPartitions('gia')[0]!.getJobs(['delayed', 'waiting']))
        .slice(0, 12)
        .entries()) {
        // Copied as the move copies: same ID, data, options, creation time and due time.
        const { delay: _delay, jobId: _jobId, ...opts } = job.opts;
        const due = before.get(job.id!)!.due;
        await target.sync('gia', job.data.diamondId).add(job.name, job.data, {
          ...opts,
          jobId: job.id!,
          timestamp: job.timestamp,
          ...(due === undefined ? {} : { delay: due - job.timestamp }),
        });
        if (index % 2 === 0) await source.syncPartitions('gia')[0]!.remove(job.id!);
        else copiedOnly += 1;
      }
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
    expect(copiedOnly).toBe(6);
    const outcome = await repartition(connection, {
      prefix: one.prefix,
      platforms: PLATFORMS,
      from: 1,
      to: 3,
    });
    expect(outcome.moved.tracr).toBe(30);
    expect(outcome.moved.gia).toBe(30 - 6);
    expectMoved(before, await jobsIn(three), 3);
    expect((await jobsIn(one)).size).toBe(0);
    // A third run finds nothing left to move.
    const again = await repartition(connection, { prefix: one.prefix, platforms: PLATFORMS, from: 1, to: 3 });
    expect(again.moved).toEqual({ gia: 0, tracr: 0 });
  });

  it('a finished job under the same ID in the new partition gives way to the waiting one (A -> B -> A)', async () => {
    const one = testConfig(redis);
    const three = { ...one, queuePartitions: 3 };
    await queueJobs(one, 3);
    const before = await jobsIn(one);
    const [id, held] = [...before].find(([, job]) => job.state === 'waiting')!;
    // The stone's earlier sync of the same content finished in the partition it is moving to.
    const target = createQueues(connection, three, PLATFORMS);
    const worker = new Worker(syncQueueName('gia'), null, {
      connection,
      prefix: target.sync('gia', held.diamondId).opts.prefix!,
    });
    try {
      await target
        .sync('gia', held.diamondId)
        .add('sync', { diamondId: held.diamondId, hash: 'old' }, { jobId: id });
      const earlier = await worker.getNextJob('earlier-run');
      await earlier.moveToCompleted({ outcome: 'created', ref: 'r' }, 'earlier-run', false);
      expect(await target.sync('gia', held.diamondId).getJobState(id)).toBe('completed');
    } finally {
      await worker.close();
      await target.close();
    }
    await repartition(connection, { prefix: one.prefix, platforms: PLATFORMS, from: 1, to: 3 });
    expectMoved(before, await jobsIn(three), 3);
  });

  it('queues failed and not-permitted jobs again in their new partition; completed ones that wrote stay', async () => {
    const one = testConfig(redis);
    const queues = createQueues(connection, one, PLATFORMS);
    const ids = [newDiamondId(), newDiamondId(), newDiamondId()];
    await enqueueSync(
      queues,
      ids.map((diamondId, i) => ({ target: 'gia', diamondId, hash: String(i).repeat(64) })),
    );
    const worker = new Worker(syncQueueName('gia'), null, { connection, prefix: one.prefix });
    const ends = [
      (job: Job) => job.moveToFailed(new UnrecoverableError('GIA intake refused'), 'operator'),
      (job: Job) =>
        job.moveToCompleted({ outcome: 'not_permitted', ref: '', reason: 'no signer' }, 'operator', false),
      (job: Job) => job.moveToCompleted({ outcome: 'created', ref: 'R-1' }, 'operator', false),
    ];
    const finished: string[] = [];
    try {
      for (const end of ends) {
        const job = await worker.getNextJob('operator');
        finished.push(job.id!);
        await end(job);
      }
    } finally {
      await worker.close();
    }
    const outcome = await repartition(connection, {
      prefix: one.prefix,
      platforms: PLATFORMS,
      from: 1,
      to: 3,
    });
    expect(outcome.requeued).toEqual({ gia: 2, tracr: 0 });
    const after = await jobsIn({ ...one, queuePartitions: 3 });
    expect([...after.keys()].sort()).toEqual(finished.slice(0, 2).sort());
    for (const [id, held] of after) {
      expect(held.state, id).toBe('waiting');
      expect(held.partition, id).toBe(partitionOf(held.diamondId, 3));
    }
    try {
      const [old] = queues.syncPartitions('gia');
      expect(await old!.getJobState(finished[2]!)).toBe('completed');
      expect(await old!.getJobCounts('failed', 'completed')).toEqual({ failed: 0, completed: 1 });
    } finally {
      await queues.close();
    }
  });

  it('refuses while a job is running, naming how many, and keeps a paused platform paused', async () => {
    const one = testConfig(redis);
    await queueJobs(one, 6);
    const before = await jobsIn(one);
    const queues = createQueues(connection, one, PLATFORMS);
    const worker = new Worker(syncQueueName('gia'), null, { connection, prefix: one.prefix });
    try {
      const running = await worker.getNextJob('stalled-operator');
      expect(running).toBeDefined();
      const refused = repartition(connection, { prefix: one.prefix, platforms: PLATFORMS, from: 1, to: 3 });
      await expect(refused).rejects.toThrow(ActiveJobsError);
      await expect(refused).rejects.toThrow(/1 sync job is active \(gia: 1\): stop every bridge process/);
      expect((await jobsIn(one)).size).toBe(before.size - 1);
      await running.moveToFailed(new UnrecoverableError('stopped for the repartition'), 'stalled-operator');

      await queues.syncPartitions('tracr')[0]!.pause();
      await repartition(connection, { prefix: one.prefix, platforms: PLATFORMS, from: 1, to: 3 });
      const three = createQueues(connection, { ...one, queuePartitions: 3 }, PLATFORMS);
      try {
        for (const queue of three.syncPartitions('tracr')) expect(await queue.isPaused()).toBe(true);
        for (const queue of three.syncPartitions('gia')) expect(await queue.isPaused()).toBe(false);
      } finally {
        await three.close();
      }
    } finally {
      await worker.close();
      await queues.close();
    }
  });

  it('tracebridge queues repartition moves the jobs and says how to restart; bad counts are refused', async () => {
    const one = testConfig(redis);
    await queueJobs(one, 9);
    const before = await jobsIn(one);
    const saved = { ...process.env };
    process.env.REDIS_URL = redis.url;
    process.env.TRACEBRIDGE_PREFIX = one.prefix;
    process.env.TRACEBRIDGE_ADAPTERS = 'gia,tracr';
    delete process.env.REDIS_CLUSTER_NODES;
    delete process.env.TRACEBRIDGE_QUEUE_PARTITIONS;
    try {
      const run = await runCli(['queues', 'repartition', '4']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ from: 1, to: 4, moved: { gia: 9, tracr: 9 } });
      expect(run.stderr).toContain('TRACEBRIDGE_QUEUE_PARTITIONS=4');
      expectMoved(before, await jobsIn({ ...one, queuePartitions: 4 }), 4);

      process.env.TRACEBRIDGE_QUEUE_PARTITIONS = '4';
      const back = await runCli(['queues', 'repartition', '1']);
      expect(JSON.parse(back.stdout)).toMatchObject({ from: 4, to: 1, moved: { gia: 9, tracr: 9 } });
      expectMoved(before, await jobsIn(one), 1);

      for (const argv of [
        ['queues', 'repartition', '0'],
        ['queues', 'repartition', '257'],
        ['queues', 'repartition'],
        ['queues', 'repartition', '2', '--from', 'x'],
        ['queues', 'split', '2'],
      ]) {
        const bad = await runCli(argv);
        expect(bad.code, argv.join(' ')).toBe(2);
        expect(bad.stderr).toMatch(/usage: tracebridge queues repartition N/);
      }
      expect((await runCli(['queues', 'repartition', '0'])).stderr).toMatch(
        /N must be a whole number of partitions from 1 to 256 \(got "0"\)/,
      );
    } finally {
      process.env = saved;
    }
  });
});
