import { callBridge } from './bridge-api.js';
import { UsageError, type Command } from './io.js';

const retryFlags: Record<string, string> = {
  '--platform': 'platform',
  '--state': 'state',
  '--reason': 'failedReason',
  '--org': 'org',
};

/**
 * `tracebridge jobs retry [--platform P] [--state failed|delayed] [--reason TEXT] [--org ORG]`: retries
 * every sync job the filter matches on a running bridge (`POST /v1/jobs/retry`, with
 * `TRACEBRIDGE_API_URL` and `TRACEBRIDGE_API_KEY`) and prints how many were queued again. What brings a
 * platform back after an outage longer than its retries. Exit 0 done, 1 refused (the problem is printed),
 * 2 bad usage or no bridge.
 */
export const jobs: Command = async (args, io) => {
  const [action, ...rest] = args;
  if (action !== 'retry')
    throw new UsageError('expected: jobs retry [--platform P] [--state S] [--reason TEXT]');
  const filter: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const name = retryFlags[rest[i] ?? ''];
    const value = rest[i + 1];
    if (!name || value === undefined || value === '')
      throw new UsageError(`expected ${Object.keys(retryFlags).join(', ')}, each with a value`);
    if (name in filter) throw new UsageError(`${rest[i]} given twice`);
    filter[name] = value;
  }
  return callBridge(io, 'jobs retry', '/v1/jobs/retry', { method: 'POST', body: filter });
};
