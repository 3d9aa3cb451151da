import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../config.js';
import type { RunningWorkers } from '../workers.js';
import { createApp } from './app.js';
import type { ApiKeyConfig } from './auth.js';
import { buildServices } from './build.js';

/** Options for {@link startApiServer}. */
export interface ApiServerOptions {
  config: BridgeConfig;
  /** Run the sync workers and change feeds in this process. Default true. */
  workers?: boolean;
  /** Keys beyond the configured ones (the demo's fixed keys). */
  extraKeys?: readonly ApiKeyConfig[];
  logger?: Logger;
  host?: string;
}

/** A listening API. */
export interface RunningApiServer {
  url: string;
  server: Server;
  workers: RunningWorkers | undefined;
  /** Stops taking requests, lets running ones finish for up to `timeoutMs`, then stops workers and Redis. */
  close(timeoutMs?: number): Promise<void>;
}

/** Builds the services from configuration and starts the API on `config.port` (and the workers, by default). */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const { config } = options;
  const built = await buildServices({
    config,
    ...(options.extraKeys ? { extraKeys: options.extraKeys } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const workers =
    options.workers === false
      ? undefined
      : await built.bridge.startWorkers({
          onError: (error, where) => built.services.logger.error({ err: error, where }, 'worker error'),
        });
  const app = createApp(built.services);
  const host = options.host ?? '0.0.0.0';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  // Idle keep-alive connections outlive a load balancer's (commonly 60 s), so the balancer, not the bridge,
  // closes them: a server that closes first races the client's next request and resets it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    server,
    workers,
    async close(timeoutMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(timer);
      await workers?.close(timeoutMs);
      await built.close();
    },
  };
}
