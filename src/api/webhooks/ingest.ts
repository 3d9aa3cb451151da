import type { PlatformClient } from '../../adapters/contract.js';
import type { AnyAdapter } from '../../adapters/registry.js';
import { sha256Hex } from '../../mapping/content-hash.js';
import { register } from '../../queue/ingest.js';
import { mergePlatformView } from '../../queue/merge.js';
import type { BridgeQueues } from '../../queue/queues.js';
import { IDENTIFIER_NAMES, newDiamondId, type Store } from '../../store/index.js';
import type { DiamondRecord } from '../../types/diamond.js';

/** What became of one reference a webhook named. */
export interface InboundResult {
  ref: string;
  status: 'stored' | 'unchanged' | 'not_found';
  diamondId?: string;
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
}

/**
 * Ingestion through the sync engine's path: link the platform's record to its stone as the change feed
 * does (identity map, echoed bridge ID, shared identifier, else a new stone), merge the view by the
 * platform's authority, register the result (validation, save, sync jobs to the other platforms), and
 * record where the platform holds it.
 */
export function createInboundIngest(context: InboundContext): InboundIngest {
  const { store } = context;
  return async (platform, refs, actor) => {
    const adapter = context.adapters.get(platform);
    const client = context.clients.get(platform);
    if (!adapter || !client) throw new Error(`[tracebridge] [webhooks] no connected adapter '${platform}'`);
    const results: InboundResult[] = [];
    for (const ref of refs) {
      const read = await client.get(ref);
      if (!read) {
        results.push({ ref, status: 'not_found' });
        continue;
      }
      const id = (await resolveStone(store, platform, read.ref, read.canonical)) ?? newDiamondId();
      const stored = await store.diamonds.get(id);
      const merged: DiamondRecord = {
        ...mergePlatformView(stored?.record, read.canonical, {
          platform,
          authoritative: adapter.authoritative,
        }),
        id,
      };
      const registration = await register(
        { store, queues: context.queues, adapters: context.adapters },
        merged,
        { actor },
      );
      const readAt = new Date().toISOString();
      await store.identity.recordSync(
        id,
        platform,
        { ref: read.ref, syncedAt: readAt, hash: sha256Hex(read.native) },
        { actor, action: 'webhook' },
      );
      await store.mirrors.save(id, platform, read.canonical, { readAt, ref: read.ref });
      results.push({
        ref,
        status: registration.outcome === 'unchanged' ? 'unchanged' : 'stored',
        diamondId: id,
      });
    }
    return results;
  };
}

async function resolveStone(
  store: Store,
  platform: string,
  ref: string,
  view: DiamondRecord,
): Promise<string | undefined> {
  const linked = await store.identity.resolve(platform, ref);
  if (linked) return linked;
  if (view.id !== undefined && (await store.diamonds.get(view.id))) return view.id;
  for (const name of IDENTIFIER_NAMES) {
    const value = view.identifiers?.[name];
    if (value === undefined) continue;
    const found = await store.identity.findByIdentifier(name, value);
    if (found) return found;
  }
  return undefined;
}
