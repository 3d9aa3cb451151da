/**
 * A network path between the bridge and a platform that loses replies on demand: every call is forwarded
 * to the platform and runs there to completion, but while `dropping` matches a call, its reply never
 * reaches the caller (the connection is cut once the platform has answered). Unlike the simulators' own
 * `dropResponseRate`, it can lose only the replies of writes, so the bridge's reads still see the world.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running reply-dropping path; `url` stands in for the platform's. */
export interface ReplyDropper {
  url: string;
  /** Which calls lose their reply; null: none. */
  dropping: ((call: { method: string; path: string }) => boolean) | null;
  /** How many replies were lost so far. */
  dropped: number;
  close(): Promise<void>;
}

/** Starts a path to `target` (a base URL) on a free port. */
export async function startReplyDropper(target: string): Promise<ReplyDropper> {
  const upstream = new URL(target);
  const path: ReplyDropper = { url: '', dropping: null, dropped: 0, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const call = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: call.method,
        path: call.path,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer: IncomingMessage) => {
        if (path.dropping?.(call)) {
          // The platform has acted and answered: the answer is read and thrown away, the caller cut off.
          answer.resume();
          path.dropped += 1;
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  path.url = `http://127.0.0.1:${port}`;
  path.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return path;
}
