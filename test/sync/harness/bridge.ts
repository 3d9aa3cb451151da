/**
 * The bridge as its clients reach it: the HTTP API with the producer's and the operator's keys, and
 * signed webhook deliveries as a platform sends them.
 */
import { randomUUID } from 'node:crypto';
import { signWebhook } from '../../../src/api/webhooks/signature.js';
import type { OwedDelivery } from './model.js';
import { http } from './platforms.js';
import { keys } from './world.js';

/** A stone as `GET /v1/diamonds/:id` answers it (the parts the test reads). */
export interface BridgeStone {
  version: number;
  record: { id: string; identifiers?: Record<string, string>; [field: string]: unknown };
  sync: Record<string, { status: string; ref?: string; job?: string }>;
}

/** A sync job as `GET /v1/jobs` lists it. */
export interface BridgeJob {
  id: string;
  platform: string;
  state: string;
  data: { diamondId: string };
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
}

/**
 * Registers or updates a stone as a producer's client does: on a lost or failed answer it sends the same
 * request again, with the same `Idempotency-Key`, until the bridge acknowledges it (202) or refuses it
 * (4xx). Answers the 202 body, or throws with the refusal.
 */
export async function postStone(apiUrl: string, record: Record<string, unknown>): Promise<{ id: string }> {
  const idempotencyKey = randomUUID();
  let last = '';
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      const answer = await http('POST', `${apiUrl}/v1/diamonds`, record, {
        authorization: `Bearer ${keys.producer}`,
        'idempotency-key': idempotencyKey,
      });
      if (answer.status === 202) return answer.body as { id: string };
      last = `${answer.status} ${JSON.stringify(answer.body)}`;
      if (answer.status < 500) throw new Error(`the bridge refused ${JSON.stringify(record)}: ${last}`);
    } catch (error) {
      if (String(error).includes('the bridge refused')) throw error;
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
  }
  throw new Error(`the bridge never acknowledged ${JSON.stringify(record)}: ${last}`);
}

/** The stored stone with its sync status, as the operator reads it. */
export async function getStone(apiUrl: string, id: string): Promise<BridgeStone | null> {
  const { status, body } = await http('GET', `${apiUrl}/v1/diamonds/${id}`, undefined, {
    authorization: `Bearer ${keys.admin}`,
  });
  if (status === 404) return null;
  if (status !== 200) throw new Error(`GET /v1/diamonds/${id}: ${status} ${JSON.stringify(body)}`);
  return body as BridgeStone;
}

/** Failed sync jobs, every platform. */
export async function failedJobs(apiUrl: string): Promise<BridgeJob[]> {
  const { status, body } = await http('GET', `${apiUrl}/v1/jobs?state=failed&limit=500`, undefined, {
    authorization: `Bearer ${keys.admin}`,
  });
  if (status !== 200) throw new Error(`GET /v1/jobs: ${status} ${JSON.stringify(body)}`);
  return (body as { jobs: BridgeJob[] }).jobs;
}

/** A signed delivery naming `refs`, as the platform would send it. */
export function signedDelivery(platform: string, refs: readonly string[]): OwedDelivery {
  const body = JSON.stringify({ refs });
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    platform,
    body,
    timestamp,
    signature: signWebhook(keys.webhook, timestamp, body),
    refusedAsReplay: false,
  };
}

/** Sends (or sends again, byte for byte) one delivery; answers the status, 0 when no answer came. */
export async function deliver(apiUrl: string, delivery: OwedDelivery): Promise<number> {
  try {
    const answer = await http('POST', `${apiUrl}/v1/webhooks/${delivery.platform}`, delivery.body, {
      'x-tracebridge-signature': delivery.signature,
      'x-tracebridge-timestamp': String(delivery.timestamp),
    });
    return answer.status;
  } catch {
    return 0;
  }
}
