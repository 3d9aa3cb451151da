/** Keys held hashed, per-key rate limits in Redis, and secrets kept out of the logs. */
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring, hashApiKey, parseApiKeys } from '../../src/api/auth.js';
import { createLogger } from '../../src/api/logger.js';
import { bearer, startBridge, type TestBridge } from './support.js';

describe('the keyring', () => {
  it('authenticates a key configured by its SHA-256 only, and nothing else', () => {
    const keyring = createKeyring([{ name: 'ops', sha256: hashApiKey('ops-secret-key'), role: 'admin' }]);
    expect(keyring.authenticate('ops-secret-key')).toEqual({ name: 'ops', role: 'admin' });
    expect(keyring.authenticate('ops-secret-keY')).toBeNull();
    expect(keyring.authenticate('')).toBeNull();
  });

  it('refuses incomplete configuration, naming the entry and the field', () => {
    expect(() => createKeyring([{ name: 'p', key: 'producer-key', role: 'producer' }])).toThrow(
      /API key 0 \("p"\): a producer key needs org/,
    );
    expect(() => createKeyring([{ name: 'x', key: 'some-long-key', role: 'root' as never }])).toThrow(
      /role "root"/,
    );
    expect(() => createKeyring([{ name: 'x', key: 'k', role: 'reader' }])).toThrow(/at least 8/);
    expect(() => createKeyring([{ name: 'x', role: 'reader' }])).toThrow(/exactly one of key and sha256/);
    expect(() => parseApiKeys('{"name":"x"}')).toThrow(/neither a JSON array nor an existing file/);
    expect(() => parseApiKeys('[{"name":')).toThrow(/not valid JSON/);
  });
});

describe('per-key rate limits', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge({ queues: false, settings: { rateLimit: { limit: 3, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    await bridge.close();
  });

  it('answers 429 with Retry-After once a key spends its budget, while another key still gets through', async () => {
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await request(bridge.app).get('/v1/adapters').set('authorization', bearer.reader);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.type).toBe('application/problem+json');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(bridge.app).get('/v1/adapters').set('authorization', bearer.admin)).status).toBe(
      200,
    );
    expect((await request(bridge.app).get('/healthz')).status).toBe(200);
  });

  it('counts in Redis under the hash-tagged prefix, so every API process shares the budget', async () => {
    const keys = await bridge.built.services.store.redis.keys('*ratelimit*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith('{tbtest}:ratelimit:')).toBe(true);
    const again = (await import('../../src/api/app.js')).createApp(bridge.built.services);
    expect((await request(again).get('/v1/adapters').set('authorization', bearer.reader)).status).toBe(429);
  });

  it('counts callers without a valid key by address, so guessing keys is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await request(bridge.app).get('/v1/adapters').set('authorization', `Bearer guess-${i}-xxxxxxxx`))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe('logs', () => {
  it('never carry an Authorization header, API keys or private keys', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    logger.info(
      { config: { tracr: { privateKey: 'PRIVATE-KEY-MATERIAL' }, gia: { apiKey: 'gia-plan-key' } } },
      'configured',
    );
    logger.info({ apiKey: 'top-level-key', nested: { deeper: { secret: 'webhook-secret' } } }, 'more');
    const bridge = await startBridge({ queues: false });
    try {
      const { createApp } = await import('../../src/api/app.js');
      const app = createApp({ ...bridge.built.services, logger });
      await request(app).get('/v1/adapters').set('authorization', bearer.admin);
    } finally {
      await bridge.close();
    }
    const text = lines.join('');
    expect(text).toContain('/v1/adapters');
    for (const secret of [
      'demo-admin-key',
      'PRIVATE-KEY-MATERIAL',
      'gia-plan-key',
      'top-level-key',
      'webhook-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
  it('carry one access line per request at info, and none when only warnings are logged', async () => {
    const logged = async (level: string): Promise<Record<string, unknown>[]> => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const bridge = await startBridge({ queues: false });
      try {
        const { createApp } = await import('../../src/api/app.js');
        const app = createApp({ ...bridge.built.services, logger: createLogger({ level }, sink) });
        await request(app).get('/v1/adapters').set('authorization', bearer.reader);
        await request(app).get('/v1/nowhere?x=1').set('authorization', bearer.reader);
        await request(app).get('/healthz');
      } finally {
        await bridge.close();
      }
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    const info = await logged('info');
    expect(info.map(({ req, res }) => [req, res])).toEqual([
      [{ method: 'GET', url: '/v1/adapters' }, { statusCode: 200 }],
      [{ method: 'GET', url: '/v1/nowhere?x=1' }, { statusCode: 404 }],
    ]);
    expect(info.every((line) => typeof line.responseTime === 'number')).toBe(true);
    expect(await logged('warn')).toEqual([]);
  });
});
