import { createHash, randomUUID } from 'node:crypto';
import { keepRenewed } from '../../queue/lock.js';
import { runScript, type RedisClient, type StoreScript } from '../../store/scripts.js';
import { ApiProblem } from '../problem.js';
import { REPLAY_WINDOW_MS } from './signature.js';

/**
 * Replay marks of webhook deliveries. A delivery is marked received only once its change is durably
 * ingested: while it is being ingested it holds a short lease, renewed while ingestion runs (a concurrent
 * repeat is refused, so the change is not ingested twice at once); if ingestion fails the lease is let go,
 * so the sender's identical re-delivery is taken in rather than refused as a replay and the change is not
 * lost. When the lease cannot be let go (Redis went away mid-ingestion, the process died) it runs out
 * within its short time, not the minutes an ingestion might take. Once ingested, the mark is kept for as
 * long as the delivery's timestamp would still be accepted.
 */

/** A delivery being ingested; settle it exactly once. */
export interface DeliveryLease {
  /** The change is stored: repeats of this delivery are refused from now on. */
  received(): Promise<void>;
  /** Ingestion failed: let the delivery go, so a re-delivery is taken in. */
  release(): Promise<void>;
}

/** What {@link claimDelivery} needs. */
export interface DeliveryOptions {
  redis: RedisClient;
  /** The store's key prefix, so replay marks share the bridge's hash tag. */
  prefix: string;
  adapter: string;
  /** The verified signature header (`sha256=<hex>`), which names the delivery. */
  signature: string;
  /**
   * How long the delivery stays held after its ingestion last showed signs of life (the lease is renewed
   * every third of it); a re-delivery may take it over after that. Default 15 s.
   */
  leaseMs?: number;
}

// KEYS[1] the mark. ARGV: token, then '' to let go, 'renew' and the lease's ttl in ms, or the received
// mark's ttl in ms. Only the lease's holder settles or renews it: a lease that ran out and was taken over
// belongs to the new holder.
const settleSource = `
if redis.call('GET', KEYS[1]) ~= 'ingesting:' .. ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) return 1 end
if ARGV[2] == 'renew' then return redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
redis.call('SET', KEYS[1], 'received', 'PX', ARGV[2])
return 1
`;
const settleScript: StoreScript = {
  source: settleSource,
  sha: createHash('sha1').update(settleSource).digest('hex'),
};

/** Takes the delivery's lease, or throws a 409 problem when it was already received or is being ingested. */
export async function claimDelivery(options: DeliveryOptions): Promise<DeliveryLease> {
  const { redis, adapter } = options;
  const mark = `${options.prefix}webhook:${adapter}:${options.signature.replace(/^sha256=/, '')}`;
  const token = randomUUID();
  const leaseMs = options.leaseMs ?? 15_000;
  const claimed = await redis.set(mark, `ingesting:${token}`, 'PX', leaseMs, 'NX');
  if (claimed === null) {
    const held = await redis.get(mark);
    throw new ApiProblem(
      'conflict',
      held === 'received'
        ? `this ${adapter} webhook delivery was already received (a replay)`
        : `this ${adapter} webhook delivery is being taken in; re-deliver it if that fails`,
      undefined,
      held === 'received' ? {} : { 'Retry-After': '5' },
    );
  }
  const stopRenewing = keepRenewed(leaseMs, () =>
    runScript(redis, settleScript, [mark], [token, 'renew', leaseMs]),
  );
  const settle = async (ttl: string): Promise<void> => {
    stopRenewing();
    await runScript(redis, settleScript, [mark], [token, ttl]);
  };
  return {
    received: () => settle(String(2 * REPLAY_WINDOW_MS)),
    release: () => settle(''),
  };
}
