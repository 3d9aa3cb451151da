import type { Worker } from 'bullmq';
import { createReconcileWorker } from '../../src/reconcile/run-jobs.js';
import type { TestBridge } from './support.js';

/**
 * A reconcile worker for a test bridge, on the bridge's own queue connection, as the embedded workers of
 * `tracebridge serve` run it. Close it before the bridge.
 */
export function startReconcileWorker(bridge: TestBridge): Worker {
  const { services, adapters, clients } = bridge.built;
  const queues = services.queues;
  if (!queues) throw new Error('the test bridge was started without queues');
  return createReconcileWorker({
    connection: queues.feeds.opts.connection,
    prefix: queues.prefix,
    store: services.store,
    adapters: [...adapters.values()],
    clients,
  });
}
