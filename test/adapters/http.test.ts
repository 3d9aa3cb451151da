import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/adapters/errors.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { listen, type RunningServer } from '../../sim/shared/server.js';
import { freePort } from '../support/redis.js';

/** A platform that answers each path with one kind of failure. */
let platform: RunningServer;
beforeAll(async () => {
  const app = express();
  app.get('/moved', (_req, res) => res.redirect(302, 'http://127.0.0.1:9/elsewhere'));
  app.get('/busy', (_req, res) => res.status(429).set('Retry-After', '7').json({ message: 'slow down' }));
  app.get('/down', (_req, res) => res.status(503).json({ message: 'maintenance' }));
  app.post('/bad', (_req, res) =>
    res.status(400).json({ message: 'weight has 4 decimals', field: 'caratWeight' }),
  );
  app.get('/hang-up', (req) => req.socket.destroy());
  platform = await listen(app, 0);
});
afterAll(async () => {
  await platform.close();
});

async function failureOf(call: Promise<unknown>): Promise<PlatformError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('every platform failure is classified where it happens', () => {
  const http = () => createHttpClient({ adapter: 'demo', baseURL: platform.url, authorization: 'key' });

  it('a redirect is refused, not followed, so the API key never travels elsewhere', async () => {
    const error = await failureOf(http().get('/moved'));
    expect(error).toMatchObject({ failure: 'unrecoverable', status: 302 });
  });

  it('429 is retryable and carries Retry-After in milliseconds', async () => {
    expect(await failureOf(http().get('/busy'))).toMatchObject({
      failure: 'retryable',
      status: 429,
      retryAfterMs: 7_000,
    });
  });

  it('503 is retryable', async () => {
    expect(await failureOf(http().get('/down'))).toMatchObject({ failure: 'retryable', status: 503 });
  });

  it('400 is unrecoverable and names the field the platform named', async () => {
    const error = await failureOf(http().post('/bad', {}));
    expect(error).toMatchObject({ failure: 'unrecoverable', status: 400, field: 'caratWeight' });
    expect(error.message).toContain('[demo]');
  });

  it('a connection cut after the request was sent is retryable and ambiguous', async () => {
    expect(await failureOf(http().get('/hang-up'))).toMatchObject({ failure: 'retryable', ambiguous: true });
  });

  it('a refused connection is retryable and not ambiguous: nothing was sent', async () => {
    const nowhere = createHttpClient({ adapter: 'demo', baseURL: `http://127.0.0.1:${await freePort()}` });
    expect(await failureOf(nowhere.get('/'))).toMatchObject({ failure: 'retryable', ambiguous: false });
  });
});
