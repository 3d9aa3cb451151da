import { describe, expect, it } from 'vitest';
import { giaAdapter } from '../../src/adapters/gia/index.js';
import { readAdapterOptions } from '../../src/adapters/options.js';
import { tracrAdapter } from '../../src/adapters/tracr/index.js';
import { ConfigError, jobConcurrencyFor, loadConfig, queueConfigFor } from '../../src/config.js';

describe('configuration', () => {
  it('takes an option over the environment over the default', () => {
    expect(loadConfig({}, {}).port).toBe(8080);
    expect(loadConfig({}, { PORT: '9090' }).port).toBe(9090);
    expect(loadConfig({ port: 7070 }, { PORT: '9090' }).port).toBe(7070);
    expect(loadConfig({}, {}).prefix).toBe('{tracebridge}');
    expect(readAdapterOptions('gia', giaAdapter.options!, {})).toMatchObject({
      url: 'http://127.0.0.1:4102/graphql',
      apiKey: 'gia-sandbox-key',
    });
    const tracrApiKey = (env: Record<string, string>) =>
      readAdapterOptions('tracr', tracrAdapter.options!, env)['apiKey'];
    expect(tracrApiKey({ TRACR_SIM_KEY: 'sim' })).toBe('sim');
    expect(tracrApiKey({ TRACR_SIM_KEY: 'sim', TRACR_API_KEY: 'real' })).toBe('real');
  });

  it('reads per-platform queue settings, falling back to the shared ones', () => {
    const config = loadConfig(
      {},
      { TRACEBRIDGE_CONCURRENCY: '4', TRACEBRIDGE_TRACR_CONCURRENCY: '64', TRACEBRIDGE_GIA_RATE_LIMIT: '10' },
    );
    expect(queueConfigFor(config, 'tracr').concurrency).toBe(64);
    expect(queueConfigFor(config, 'gia')).toMatchObject({ concurrency: 4, ratePerSec: 10 });
    expect(queueConfigFor(config, 'elsewhere').concurrency).toBe(4);
  });

  it('runs more jobs than platform calls only where puts are batched', () => {
    const settings = queueConfigFor(loadConfig({}, { TRACEBRIDGE_CONCURRENCY: '16' }), 'tracr');
    expect(jobConcurrencyFor(settings, { batchWriteSize: 100, putMany: true })).toBe(128);
    expect(jobConcurrencyFor(settings, { batchWriteSize: 3, putMany: true })).toBe(48);
    expect(jobConcurrencyFor(settings, { batchWriteSize: 1, putMany: true })).toBe(16);
    expect(jobConcurrencyFor(settings, { batchWriteSize: 100, putMany: false })).toBe(16);
    // Capped so the job locks' renewals keep up, but never below the calls themselves.
    expect(jobConcurrencyFor({ ...settings, concurrency: 64 }, { batchWriteSize: 100, putMany: true })).toBe(
      128,
    );
    expect(jobConcurrencyFor({ ...settings, concurrency: 200 }, { batchWriteSize: 100, putMany: true })).toBe(
      200,
    );
  });

  it('splits the adapter lists on commas', () => {
    const config = loadConfig(
      {},
      { TRACEBRIDGE_ADAPTERS: 'gia, tracr', TRACEBRIDGE_ADAPTER_MODULES: './a.js,./b.js' },
    );
    expect(config.adapters).toEqual(['gia', 'tracr']);
    expect(config.adapterModules).toEqual(['./a.js', './b.js']);
  });

  it('reads a Redis Cluster from its seed nodes, and refuses a bad node or a cluster beside REDIS_URL', () => {
    const config = loadConfig({}, { REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b.internal:7001' });
    expect(config.redisClusterNodes).toEqual(['10.0.0.1:7000', 'redis-b.internal:7001']);
    expect(config.redisUrl).toBeUndefined();
    expect(() => loadConfig({}, { REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(
      /REDIS_CLUSTER_NODES="10.0.0.1".*host:port/,
    );
    expect(() => loadConfig({}, { REDIS_CLUSTER_NODES: 'a:70000' })).toThrow(/REDIS_CLUSTER_NODES="a:70000"/);
    expect(() =>
      loadConfig({}, { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }),
    ).toThrow(/either REDIS_URL .* or REDIS_CLUSTER_NODES/);
  });

  it('refuses a bad value naming the variable, the value and what was expected', () => {
    expect(() => loadConfig({}, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { PORT: 'eighty' })).toThrow(/PORT="eighty".*whole number from 0 to 65535/);
    expect(() => loadConfig({}, { REDIS_URL: 'localhost:6379' })).toThrow(
      /REDIS_URL="localhost:6379".*redis:\/\//,
    );
    expect(() => loadConfig({}, { TRACEBRIDGE_PREFIX: 'tracebridge' })).toThrow(
      /TRACEBRIDGE_PREFIX.*hash tag/,
    );
    expect(() => loadConfig({}, { TRACEBRIDGE_TRACR_ATTEMPTS: '0' })).toThrow(
      /TRACEBRIDGE_TRACR_ATTEMPTS="0"/,
    );
    expect(() => loadConfig({}, { TRACEBRIDGE_ADAPTERS: 'GIA' })).toThrow(/TRACEBRIDGE_ADAPTERS="GIA"/);
  });
});
