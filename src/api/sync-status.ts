/**
 * Where a stone's current content stands on each platform, from its sync jobs and the record's `sources`
 * (where each platform was last seen holding it).
 */
import { syncJobId } from '../queue/job-ids.js';
import { getJob } from '../queue/job-views.js';
import { whyNot } from '../sync/targets.js';
import type { StoredDiamond } from '../store/index.js';
import type { ApiServices } from './services.js';

/** Where a stone's current content stands on one platform. */
export interface SyncEntry {
  status: string;
  ref?: string;
  syncedAt?: string;
  job?: string;
  /**
   * For `not_permitted`: the act and who may not take it; for `failed`: the job's last error; for
   * `not_synced`: what the record lacks that the platform needs.
   */
  reason?: string;
}

/**
 * Per platform: where the stone's current content stands, from its sync jobs and `sources`, with the record
 * the status is of. The jobs are read first and the record after them: a job that completes in between
 * has recorded its source (or saved a new version) by the time the record is read, so a completed job is
 * never judged against a record from before it. A record whose content changed meanwhile names other jobs,
 * which are read in turn.
 */
export async function stoneSyncStatus(
  services: Pick<ApiServices, 'store' | 'adapters' | 'queues'>,
  read: StoredDiamond,
): Promise<{ stored: StoredDiamond; sync: Record<string, SyncEntry> }> {
  const id = read.record.id as string;
  let hash = read.hash;
  for (let round = 0; ; round++) {
    const jobs = await jobsFor(services, id, hash);
    const stored = (await services.store.diamonds.get(id)) ?? read;
    // A stone edited on every read still answers: its jobs then show it pending on the next read.
    if (stored.hash === hash || round === 4) return { stored, sync: statusOf(services, stored, jobs) };
    hash = stored.hash;
  }
}

type JobOf = Awaited<ReturnType<typeof getJob>>;

/** The sync job of content `hash` on each platform that has a queue here. */
async function jobsFor(
  services: Pick<ApiServices, 'adapters' | 'queues'>,
  id: string,
  hash: string,
): Promise<Map<string, JobOf>> {
  const queues = services.queues;
  const names = [...services.adapters.keys()];
  const jobs = await Promise.all(
    names.map(async (name) =>
      queues?.platforms.includes(name) ? getJob(queues, syncJobId(name, id, hash)) : null,
    ),
  );
  return new Map(names.map((name, i) => [name, jobs[i] ?? null]));
}

function statusOf(
  services: Pick<ApiServices, 'adapters'>,
  stored: StoredDiamond,
  jobs: Map<string, JobOf>,
): Record<string, SyncEntry> {
  const entries = [...services.adapters.values()].map((adapter) => {
    const source = stored.record.sources?.[adapter.name];
    const job = jobs.get(adapter.name) ?? null;
    // A job for the current content that has not completed says more than where the platform held an
    // earlier version; without one, the platform holds what it last synced.
    // A job that found the act not permitted completed: its answer, not a failure, says so.
    const refused = job?.result?.outcome === 'not_permitted' ? job.result : undefined;
    const status = refused
      ? 'not_permitted'
      : job && job.state !== 'completed'
        ? job.state === 'failed'
          ? 'failed'
          : 'pending'
        : source
          ? 'in_sync'
          : 'not_synced';
    if (status === 'not_synced' && !adapter.capabilities.write) return undefined;
    const entry: SyncEntry = { status };
    if (source) Object.assign(entry, { ref: source.ref, syncedAt: source.syncedAt });
    if (job) entry.job = job.id;
    if (refused?.reason !== undefined) entry.reason = refused.reason;
    else if (status === 'failed' && job?.failedReason !== undefined) entry.reason = job.failedReason;
    else if (status === 'not_synced') {
      // Never queued: the record lacks what the platform needs, or carries nothing it takes.
      const skipped = whyNot(stored.record, adapter);
      if (skipped !== undefined) entry.reason = skipped;
    }
    return [adapter.name, entry] as const;
  });
  return Object.fromEntries(entries.filter((entry) => entry !== undefined));
}
