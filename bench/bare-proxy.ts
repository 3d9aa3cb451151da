/**
 * The lookup benchmark's baseline: the least a cross-platform lookup can cost on this machine. Per request it
 * makes one Redis read (which platform references the query names), one GET to each simulator, in parallel,
 * and one JSON.stringify of what came back, over the same keep-alive HTTP the bridge's clients use. No
 * routing, auth, merge, proof check or schema: what remains is the machine, the network stack and the
 * platforms' injected delays. Runs as a process of its own, like `tracebridge serve`, and prints its URL.
 *
 * Environment: REDIS_URL, TRACR_URL, GIA_URL (the simulator's base URL), TRACR_API_KEY, GIA_API_KEY.
 */
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

/** Where each platform keeps what a query asks for: written by the benchmark under `bareproxy:<query>`. */
export interface ProxyRoute {
  /** A ledger path, `/v1/diamonds/TRACR-...`. */
  tracr: string;
  /** A registry path, `/m2m/v1/rough/<control number>`. */
  gia: string;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bare proxy: ${name} is not set`);
  return value;
};

const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 2 });
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const platforms = {
  tracr: { base: env('TRACR_URL'), key: env('TRACR_API_KEY') },
  gia: { base: env('GIA_URL'), key: env('GIA_API_KEY') },
};

function get(base: string, path: string, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { agent, headers: { authorization: key } },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${path} answered ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as unknown);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const server = createServer((req, res) => {
  const query = (req.url ?? '').split('?')[1] ?? '';
  void (async () => {
    try {
      const route = JSON.parse((await redis.get(`bareproxy:${query}`)) ?? 'null') as ProxyRoute | null;
      if (route === null) throw new Error(`no route for ${query}`);
      const [tracr, gia] = await Promise.all([
        get(platforms.tracr.base, route.tracr, platforms.tracr.key),
        get(platforms.gia.base, route.gia, platforms.gia.key),
      ]);
      const body = JSON.stringify({
        platforms: { tracr: { status: 'found', record: tracr }, gia: { status: 'found', record: gia } },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      process.stderr.write(`bare proxy: ${String(error)}\n`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  })();
});

// Clients keep their connections open between lookups, as they do with the API.
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare proxy on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  redis.disconnect();
  agent.destroy();
});
