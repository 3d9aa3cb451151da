import { callBridge } from './bridge-api.js';
import { UsageError, type Command } from './io.js';

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
  return callBridge(io, 'lookup', `/v1/lookup?${query.toString()}`);
};
