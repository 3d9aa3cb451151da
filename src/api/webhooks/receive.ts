import type { Participants } from '../../participants/registry.js';
import type { PlatformClient, PlatformRecord } from '../../adapters/contract.js';
import type { AnyAdapter } from '../../adapters/registry.js';
import { ingestPlatformRecords, type InboundOutcome } from '../../sync/inbound-records.js';
import type { BridgeQueues } from '../../queue/queues.js';
import type { Store } from '../../store/index.js';

/**
 * What became of one reference a webhook named. `unmatched`: nothing was stored for it, because it may be
 * a stone the bridge holds (see `proposalIds`, for a person to confirm) or cannot be stored (see `reason`,
 * also in the rejected changes an operator reads).
 */
export interface InboundResult {
  ref: string;
  status: 'stored' | 'unchanged' | 'not_found' | 'unmatched';
  diamondId?: string;
  proposalIds?: string[];
  reason?: string;
}

/**
 * Takes in the stones a platform says changed. The webhook carries references only: each stone is read
 * back from the platform through its client, so a forged or stale payload cannot write anything the
 * platform does not hold.
 */
export type InboundIngest = (
  platform: string,
  refs: readonly string[],
  actor: string,
) => Promise<InboundResult[]>;

/** What {@link createInboundIngest} needs. */
export interface InboundContext {
  store: Store;
  queues: BridgeQueues;
  adapters: ReadonlyMap<string, AnyAdapter>;
  clients: ReadonlyMap<string, PlatformClient>;
  /** The participants registry, for custody changes a platform reports. */
  participants?: Participants;
}

/**
 * Ingestion through the sync engine's one inbound path, the same as the change feeds': each record read
 * back is linked to its stone (or proposed, or rejected), merged by the platform's authority, saved, and
 * synced to the other platforms.
 */
export function createInboundIngest(context: InboundContext): InboundIngest {
  return async (platform, refs, actor) => {
    const client = context.clients.get(platform);
    if (!context.adapters.has(platform) || !client)
      throw new Error(`[tracebridge] [webhooks] no connected adapter '${platform}'`);
    const read: PlatformRecord[] = [];
    // A superseded report number reads back as its successor: answer under the number that was asked.
    const asked = new Map<string, string[]>();
    const results = new Map<string, InboundResult>();
    for (const ref of refs) {
      const found = await client.get(ref);
      if (found) {
        read.push(found);
        asked.set(found.ref, [...(asked.get(found.ref) ?? []), ref]);
      } else results.set(ref, { ref, status: 'not_found' });
    }
    const { outcomes } = await ingestPlatformRecords(context, platform, read, { actor, action: 'webhook' });
    for (const outcome of outcomes) {
      for (const ref of asked.get(outcome.ref) ?? []) results.set(ref, { ...receipt(outcome), ref });
    }
    return refs.map((ref) => results.get(ref) ?? { ref, status: 'not_found' });
  };
}

function receipt(outcome: InboundOutcome): InboundResult {
  switch (outcome.status) {
    case 'stored':
    case 'unchanged':
      return { ref: outcome.ref, status: outcome.status, diamondId: outcome.diamondId };
    case 'proposed':
      return { ref: outcome.ref, status: 'unmatched', proposalIds: outcome.proposalIds };
    case 'rejected':
      return {
        ref: outcome.ref,
        status: 'unmatched',
        reason: outcome.reason,
        ...(outcome.diamondId === undefined ? {} : { diamondId: outcome.diamondId }),
      };
  }
}
