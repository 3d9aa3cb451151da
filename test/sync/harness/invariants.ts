/**
 * Quiescence and the invariants. Quiescence: faults cleared, every worker up, every stone of the sequence
 * settled (no job pending), the ledger's pending transactions in a block, and every change feed caught
 * up; owed webhook deliveries are sent again. Then the invariants are read off the platforms themselves.
 */
import { createStore, type Store } from '../../../src/store/index.js';
import { queueConnection } from '../../../src/queue/queues.js';
import { deliver, failedJobs, getStone, type BridgeJob, type BridgeStone } from './bridge.js';
import { ledgerHoldsContent } from './commands.js';
import { countryNames, type Model } from './model.js';
import {
  chainSince,
  clearFaults,
  intakeRecord,
  intakeWrites,
  ledgerHead,
  ledgerPending,
  ledgerStone,
  registryPendingChanges,
} from './platforms.js';
import { MODEL_STORE_SHARDS, type World } from './world.js';

/** How long quiescence may take before the sequence fails as stuck. */
const SETTLE_MS = 60_000;

/** Reads the bridge's own bookkeeping (stored IDs, feed cursors) straight from its Redis. */
export interface BridgeState {
  readonly store: Store;
  /** Every stored bridge ID. */
  storedIds(): Promise<Set<string>>;
  close(): void;
}

/** Opens a connection to the world's Redis under the bridge's prefix. */
export function openBridgeState(world: World): BridgeState {
  const connection = queueConnection(world.redis.url);
  connection.on('error', () => undefined);
  const store = createStore(connection, { prefix: `${world.prefix}:`, shards: MODEL_STORE_SHARDS });
  return {
    store,
    async storedIds() {
      const ids = new Set<string>();
      for await (const id of store.diamonds.ids()) ids.add(id);
      return ids;
    },
    close: () => connection.disconnect(),
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  state: () => string = () => '',
  timeoutMs = SETTLE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : JSON.stringify(error);
    }
    if (Date.now() > deadline)
      throw new Error(
        `quiescence: ${what} did not happen in ${timeoutMs} ms; still waiting on: ${state() || 'nothing named'}${last ? ` (last error: ${last})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A stone no platform still has a job running or waiting for; null while one has. A platform the stone
 * cannot go to (a stone a feed brought in that another platform has no place for) shows as not synced.
 */
function settled(stone: BridgeStone | null): BridgeStone | null {
  if (!stone) return null;
  return Object.values(stone.sync).every((entry) => entry.status !== 'pending') ? stone : null;
}

/** What quiescence leaves for the checks. */
export interface Settled {
  /** Every stone stored during the sequence, by bridge ID, as settled. */
  stones: Map<string, BridgeStone>;
}

/** Clears faults and waits until the world is quiet; throws naming what never settled. */
export async function quiesce(model: Model, world: World, bridge: BridgeState): Promise<Settled> {
  await Promise.all([clearFaults(world.tracrUrl), clearFaults(world.giaUrl)]);
  await world.workersReady();
  for (const delivery of model.owed.splice(0)) {
    const status = await waitFor('an owed webhook delivery is answered', async () => {
      const answered = await deliver(world.apiUrl, delivery);
      return answered === 200 || answered === 409 ? answered : null;
    });
    if (status === 200) model.received.add(delivery.signature);
    if (status === 409 && !model.received.has(delivery.signature)) delivery.refusedAsReplay = true;
    model.owed.push(delivery);
  }
  const stones = new Map<string, BridgeStone>();
  let waitingOn = '';
  // Stones the feeds bring in appear as the ledger settles, so the two are awaited together until stable.
  await waitFor(
    'every stone of the sequence settles and the feeds catch up',
    async () => {
      const pending = await ledgerPending(world.tracrUrl);
      if (pending > 0) return unsettled(`${pending} ledger transactions pending`);
      const ids = [...(await bridge.storedIds())].filter((id) => !model.storedBefore.has(id));
      for (const id of ids) {
        const stone = await getStone(world.apiUrl, id);
        if (!settled(stone)) return unsettled(`stone ${id}: ${JSON.stringify(stone?.sync)}`);
        stones.set(id, stone!);
      }
      const [head, cursor, registryPending] = await Promise.all([
        ledgerHead(world.tracrUrl),
        bridge.store.cursors.getCursor('tracr'),
        registryPendingChanges(world.giaUrl),
      ]);
      if (cursor !== String(head))
        return unsettled(`the tracr feed cursor is ${cursor}, the ledger head ${head}`);
      if (registryPending > 0)
        return unsettled(`the registry holds ${registryPending} changes the gia feed has not taken`);
      return (await ledgerPending(world.tracrUrl)) === 0;
    },
    () => waitingOn,
  );
  function unsettled(what: string): null {
    waitingOn = what;
    return null;
  }
  return { stones };
}

/** A failure a retry could have got past: the job should still be retrying, never failed. */
function failedForRetryableReason(job: BridgeJob): boolean {
  const reason = job.failedReason ?? '';
  return (
    job.attemptsMade >= job.attempts ||
    /\b(429|50\d|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|timed? ?out|Too Many Requests|Service Unavailable|Redis|stalled)\b/i.test(
      reason,
    )
  );
}

/**
 * Checks, against what the platforms hold, everything the model says must be true; answers the
 * violations (empty when all hold), each naming the stone and what differs.
 */
export async function checkInvariants(model: Model, world: World, quiet: Settled): Promise<string[]> {
  const violations: string[] = [];
  const sequenceIds = new Set(quiet.stones.keys());

  // Nothing acknowledged is lost: each acknowledged stone is stored with its last acknowledged content.
  for (const stone of model.stones) {
    const stored = quiet.stones.get(stone.id);
    if (!stored) {
      violations.push(`stone ${stone.id} (${stone.key}) was acknowledged but is not stored`);
      continue;
    }
    const ids = stored.record.identifiers ?? {};
    const origin = stored.record['origin'] as { country?: string; mine?: string } | undefined;
    const rough = stored.record['rough'] as { caratWeight?: number } | undefined;
    const expected = stone.acked;
    const storedContent = {
      roughControlNumber: ids['roughControlNumber'],
      producerRef: ids['producerRef'],
      kpCertificate: ids['kpCertificate'],
      country: origin?.country,
      mine: origin?.mine,
      caratWeight: rough?.caratWeight,
    };
    for (const [field, value] of Object.entries(storedContent)) {
      if (value !== expected[field as keyof typeof expected])
        violations.push(
          `stone ${stone.id}: stored ${field} is ${JSON.stringify(value)}, last acknowledged ${JSON.stringify(expected[field as keyof typeof expected])}`,
        );
    }
  }

  // No stored stone lacks a job or a synced state: each producer's stone, which both platforms take, is
  // in sync on both, failed for good there (and the failure is judged below), or holds an act no signer the
  // bridge has may take there (a grade or an edit of a stone the cutter now holds): not permitted.
  const settled = new Set(['in_sync', 'failed', 'not_permitted']);
  for (const stone of model.stones) {
    for (const [platform, entry] of Object.entries(quiet.stones.get(stone.id)?.sync ?? {})) {
      if (!settled.has(entry.status))
        violations.push(`stone ${stone.id} on ${platform}: ${entry.status} after quiescence`);
    }
  }

  // No job failed for a retryable reason.
  const failed = (await failedJobs(world.apiUrl)).filter((job) => sequenceIds.has(job.data.diamondId));
  for (const job of failed) {
    if (failedForRetryableReason(job))
      violations.push(
        `job ${job.id} failed for a retryable reason after ${job.attemptsMade}/${job.attempts} attempts: ${job.failedReason}`,
      );
  }

  // Every stone registered exactly once on the ledger, by the bridge, and nothing else registered.
  const chain = await chainSince(world.tracrUrl, model.startHeight);
  const registrations = chain.filter((tx) => tx.type === 'REGISTER_ROUGH');
  const registeredIds = new Map<string, number>();
  for (const tx of registrations)
    registeredIds.set(tx.diamondIds[0]!, (registeredIds.get(tx.diamondIds[0]!) ?? 0) + 1);
  if (registrations.length !== model.stones.length)
    violations.push(
      `the ledger took ${registrations.length} registrations for the sequence's ${model.stones.length} stones: ${registrations.map((tx) => `${tx.diamondIds[0]} by ${tx.participantId}`).join(', ')}`,
    );
  for (const stone of model.stones) {
    const stored = quiet.stones.get(stone.id);
    const tracrId = stored?.record.identifiers?.['tracrId'];
    if (tracrId === undefined || !registeredIds.has(tracrId)) {
      violations.push(
        `stone ${stone.id} (${stone.key}): its Tracr ID ${tracrId} is not a registration of this sequence`,
      );
      continue;
    }
    const held = await ledgerStone(world.tracrUrl, tracrId);
    if (!held) violations.push(`stone ${stone.id}: the ledger does not serve ${tracrId}`);
    else {
      if (!ledgerHoldsContent(held, stone.acked))
        violations.push(
          `stone ${stone.id}: the ledger holds ${JSON.stringify(held)} for ${tracrId}, the last stored version is ${JSON.stringify(stone.acked)}`,
        );
      if (held.owner.participantId !== stone.custodian)
        violations.push(
          `stone ${stone.id}: the ledger says ${held.owner.participantId} holds ${tracrId}, the model ${stone.custodian}`,
        );
    }
  }

  // Held exactly once in the registry intake, with the last stored content.
  const writes = await intakeWrites(world.giaUrl);
  for (const stone of model.stones) {
    const creates = writes.filter((write) => write.rough_control_no === stone.key && write.op === 'create');
    if (creates.length !== 1)
      violations.push(`stone ${stone.id}: the intake created ${stone.key} ${creates.length} times`);
    const record = await intakeRecord(world.giaUrl, stone.key);
    const expected = stone.acked;
    const want = {
      mine_name: expected.mine,
      country_of_origin: countryNames[expected.country],
      rough_weight_carats: expected.caratWeight,
      producer_ref: expected.producerRef,
      kp_certificate: expected.kpCertificate,
    };
    const got = record && {
      mine_name: record.mine_name,
      country_of_origin: record.country_of_origin,
      rough_weight_carats: Number(record.rough_weight_carats),
      producer_ref: record.producer_ref,
      kp_certificate: record.kp_certificate,
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      violations.push(
        `stone ${stone.id}: the intake holds ${JSON.stringify(got)} for ${stone.key}, the last stored version is ${JSON.stringify(want)}`,
      );
  }

  // What the bridge holds for each stone named above, so that a failure shows the whole story.
  const named = [...quiet.stones.values()].filter((stone) =>
    violations.some((violation) => violation.includes(stone.record.id)),
  );
  if (named.length > 0) {
    violations.push(...named.map((stone) => `the bridge holds ${stone.record.id}: ${JSON.stringify(stone)}`));
    violations.push(
      ...failed.map((job) => `job ${job.id} failed after ${job.attemptsMade} attempts: ${job.failedReason}`),
    );
  }

  // No webhook lost: a delivery whose ingestion failed is taken when sent again, never refused as a replay.
  for (const delivery of model.owed)
    if (delivery.refusedAsReplay)
      violations.push(
        `a ${delivery.platform} webhook ${delivery.body} failed, and its re-delivery was refused as a replay`,
      );
  return violations;
}
