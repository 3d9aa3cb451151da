import { performance } from 'node:perf_hooks';
import type { PlatformClient, PlatformRecord, StoneIdentifiers } from '../adapters/contract.js';
import { canonicalJson } from '../mapping/content-hash.js';
import type { InFlightQuestions } from './coalesce.js';
import type { PlatformAnswer } from './types.js';

/** What to ask one platform: its own reference when the bridge knows it, else the stone's identifiers. */
export type PlatformQuestion = { ref: string } | { identifiers: StoneIdentifiers };

/** Questions in flight to platforms, shared by concurrent lookups; see coalesce.ts. */
export interface SharedQuestions {
  questions: InFlightQuestions<PlatformRecord | null>;
  /** The platform asked, which with the question makes the key. */
  platform: string;
}

/** A platform's answer with the record it read, for merging. */
export interface AskedPlatform {
  answer: PlatformAnswer;
  found?: PlatformRecord;
}

const timedOut = Symbol('timed out');

/**
 * Asks one platform, giving up after `timeoutMs`. A platform that does not answer in time is reported as
 * `timeout` and its late answer ignored; the call itself cannot be cancelled through the client contract,
 * so it finishes (or fails) quietly in the background. With `shared`, a question already in flight to the
 * platform is joined instead of asked again; each caller still keeps its own clock and timeout.
 */
export async function askPlatform(
  client: PlatformClient,
  question: PlatformQuestion,
  timeoutMs: number,
  shared?: SharedQuestions,
): Promise<AskedPlatform> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), timeoutMs);
  });
  const ask = async (): Promise<PlatformRecord | null> => {
    if ('ref' in question) return client.get(question.ref);
    const [first] = await client.find(question.identifiers);
    return first ?? null;
  };
  const call = shared ? shared.questions.ask(questionKey(shared.platform, question), ask) : ask();
  // The late failure of an abandoned call must not become an unhandled rejection.
  call.catch(() => undefined);
  try {
    const outcome = await Promise.race([call, deadline]);
    if (outcome === timedOut) {
      return {
        answer: { status: 'timeout', latencyMs: elapsed(), error: `no answer within ${timeoutMs} ms` },
      };
    }
    if (outcome === null) return { answer: { status: 'not_found', latencyMs: elapsed() } };
    return {
      answer: { status: 'found', latencyMs: elapsed(), ref: outcome.ref, record: outcome.canonical },
      found: outcome,
    };
  } catch (error) {
    return { answer: { status: 'error', latencyMs: elapsed(), error: (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}

function questionKey(platform: string, question: PlatformQuestion): string {
  return 'ref' in question
    ? `${platform} ref ${question.ref}`
    : `${platform} find ${canonicalJson(question.identifiers)}`;
}
