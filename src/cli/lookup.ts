import { exitCode, UsageError, type Command } from './io.js';

const flags: Record<string, string> = {
  '--tracr-id': 'tracrId',
  '--gia-report': 'giaReportNumber',
  '--inscription': 'inscription',
  '--id': 'id',
};

/**
 * `tracebridge lookup --tracr-id X | --gia-report N | --inscription S | --id ID`: asks a running bridge
 * (`TRACEBRIDGE_API_URL`, default http://127.0.0.1:$PORT or :8080, with `TRACEBRIDGE_API_KEY`) and prints
 * its lookup answer as JSON. Going through the API keeps one GIA report cache and one quota for everyone.
 * Exit 0 with an answer, 1 when the bridge refuses the lookup (the problem is printed), 2 on bad usage or
 * when no bridge answers.
 */
export const lookup: Command = async (args, io) => {
  const query = new URLSearchParams();
  for (let i = 0; i < args.length; i++) {
    const name = flags[args[i] ?? ''];
    const value = args[i + 1];
    if (!name || value === undefined)
      throw new UsageError(`expected one of ${Object.keys(flags).join(', ')} and a value`);
    query.append(name, value);
    i++;
  }
  if ([...query.keys()].length !== 1)
    throw new UsageError(`give exactly one of ${Object.keys(flags).join(', ')}`);
  const base = process.env.TRACEBRIDGE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`;
  const key = process.env.TRACEBRIDGE_API_KEY;
  if (!key)
    throw new UsageError('set TRACEBRIDGE_API_KEY to an API key of the bridge at TRACEBRIDGE_API_URL');
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/$/, '')}/v1/lookup?${query.toString()}`, {
      headers: { authorization: `Bearer ${key}` },
    });
  } catch (error) {
    io.stderr.write(`tracebridge lookup: no bridge answers at ${base}: ${(error as Error).message}\n`);
    return exitCode.usage;
  }
  const body = await response.text();
  (response.ok ? io.stdout : io.stderr).write(`${body.trim()}\n`);
  return response.ok ? exitCode.ok : exitCode.invalid;
};
