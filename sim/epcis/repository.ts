/**
 * The repository's state: stored events with the time each was recorded, and the capture jobs that stored
 * them. A capture is a job, as the REST bindings describe it: accepted at once, stored a moment later, and
 * polled by its ID. An event whose eventID the repository already holds is not stored twice; an error
 * declaration (the same eventID, carrying `errorDeclaration`) is stored once beside the event it declares.
 */
import { randomUUID } from 'node:crypto';

/** One EPCIS event as captured (GS1's JSON-LD members, loosely typed: the repository keeps what it is sent). */
export type CapturedEvent = Record<string, unknown> & { type: string; eventTime: string };

/** A stored event: the event as captured, its record time, and what it was captured with. */
export interface StoredEvent {
  event: CapturedEvent & { eventID: string; recordTime: string };
  /** Prefix definitions of the document the event came in (JSON-LD context objects), for query answers. */
  context: Record<string, unknown>;
  /** The capture job that stored it. */
  captureID: string;
}

/** A problem as RFC 7807 describes it, the shape EPCIS errors take. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

/** A capture job (the REST bindings' `CaptureJob`). */
export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: 'rollback' | 'proceed';
  errors: Problem[];
  /** Events this job stored, and those it found already held: the admin view's count of real writes. */
  stored: number;
  duplicates: number;
}

/** Holds events and capture jobs in memory. */
export class EventRepository {
  private events: StoredEvent[] = [];
  private held = new Set<string>();
  private jobs = new Map<string, CaptureJob>();
  private lastRecordTime = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Every stored event, oldest record first. */
  all(): readonly StoredEvent[] {
    return this.events;
  }

  job(captureID: string): CaptureJob | undefined {
    const job = this.jobs.get(captureID);
    return job && { ...job, errors: [...job.errors] };
  }

  jobList(): CaptureJob[] {
    return [...this.jobs.values()].map((job) => ({ ...job, errors: [...job.errors] }));
  }

  /** Opens a running capture job for `events`; {@link finish} stores them. */
  open(behaviour: 'rollback' | 'proceed'): CaptureJob {
    const job: CaptureJob = {
      captureID: `capture-${randomUUID()}`,
      createdAt: new Date(this.now()).toISOString(),
      running: true,
      success: true,
      captureErrorBehaviour: behaviour,
      errors: [],
      stored: 0,
      duplicates: 0,
    };
    this.jobs.set(job.captureID, job);
    return job;
  }

  /**
   * Stores the job's events with one record time. Events that fail `check` are the job's errors: under
   * `rollback` none of the job's events is stored, under `proceed` the others are.
   */
  finish(
    captureID: string,
    events: readonly CapturedEvent[],
    context: Record<string, unknown>,
    check: (event: CapturedEvent, index: number) => Problem | undefined,
  ): void {
    const job = this.jobs.get(captureID);
    if (!job) return;
    const problems = events.flatMap((event, index) => check(event, index) ?? []);
    job.errors = problems;
    job.success = problems.length === 0;
    if (job.success || job.captureErrorBehaviour === 'proceed') {
      // Record times only move forward, so a query by GE_recordTime never misses a later capture.
      this.lastRecordTime = Math.max(this.now(), this.lastRecordTime);
      const recordTime = new Date(this.lastRecordTime).toISOString();
      events.forEach((event, index) => {
        if (check(event, index) !== undefined) return;
        const eventID = typeof event.eventID === 'string' ? event.eventID : `urn:uuid:${randomUUID()}`;
        const key = `${eventID}${event.errorDeclaration === undefined ? '' : '#declared'}`;
        if (this.held.has(key)) {
          job.duplicates += 1;
          return;
        }
        this.held.add(key);
        job.stored += 1;
        this.events.push({ event: { ...event, eventID, recordTime }, context, captureID });
      });
    }
    job.running = false;
    job.finishedAt = new Date(this.now()).toISOString();
  }

  /** Forgets every event and job. */
  clear(): void {
    this.events = [];
    this.held.clear();
    this.jobs.clear();
  }
}
