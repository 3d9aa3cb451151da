import { exitCode, UsageError, type CliIO } from './io.js';

/**
 * Calls a running bridge's HTTP API for a command (`TRACEBRIDGE_API_URL`, default http://127.0.0.1:$PORT or
 * :8080, with `TRACEBRIDGE_API_KEY`) and prints the answer: the body on stdout when it succeeds, the
 * problem on stderr when the bridge refuses. Answers the exit code: 0 ok, 1 refused, 2 when no bridge
 * answers. Throws a usage error when no API key is set.
 */
export async function callBridge(
  io: CliIO,
  command: string,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<number> {
  const base = process.env.TRACEBRIDGE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`;
  const key = process.env.TRACEBRIDGE_API_KEY;
  if (!key)
    throw new UsageError('set TRACEBRIDGE_API_KEY to an API key of the bridge at TRACEBRIDGE_API_URL');
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/$/, '')}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    io.stderr.write(`tracebridge ${command}: no bridge answers at ${base}: ${(error as Error).message}\n`);
    return exitCode.usage;
  }
  const body = await response.text();
  (response.ok ? io.stdout : io.stderr).write(`${body.trim()}\n`);
  return response.ok ? exitCode.ok : exitCode.invalid;
}
