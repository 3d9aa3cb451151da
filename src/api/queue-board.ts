import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler } from 'express';
import type { BridgeQueues } from '../queue/queues.js';

/**
 * Bull Board over the bridge's queues, mounted at `basePath`. The caller puts admin authentication in
 * front of the whole mount: the board's pages, its JSON API and its static assets alike.
 */
export function queueBoard(queues: BridgeQueues, basePath: string): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: [
      ...queues.platforms.flatMap((platform) =>
        queues.syncPartitions(platform).map((queue, partition) =>
          // Partitions share the queue's name; the board tells them apart by a prefix of its own.
          queues.partitions === 1
            ? new BullMQAdapter(queue)
            : new BullMQAdapter(queue, { prefix: `p${partition}-` }),
        ),
      ),
      new BullMQAdapter(queues.feeds),
    ],
    serverAdapter,
  });
  return serverAdapter.getRouter() as RequestHandler;
}
