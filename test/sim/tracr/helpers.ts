import {
  participantKeyFromSeed,
  signTransaction,
  startTracrSimulator,
  type RunningTracrSimulator,
  type TracrSimulatorOptions,
  type TransactionStatus,
} from '../../../sim/tracr/index.js';

/** A submission's answer, or the error body when it was refused. */
export type SubmitBody = TransactionStatus & { duplicate?: true } & Partial<ErrorBody>;

/** The error body every route answers with. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  value?: unknown;
}

/** The API key every suite's simulator is started with. */
export const API_KEY = 'tracr-test-key';

/** Starts a simulator on port 0; interval 0 (commit before answering) unless the suite asks otherwise. */
export function startLedger(options: TracrSimulatorOptions = {}): Promise<RunningTracrSimulator> {
  return startTracrSimulator({ apiKey: API_KEY, blockIntervalMs: 0, ...options });
}

/** A decoded JSON reply; suites name the body's type where they read into it. */
export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the simulator over real HTTP with the API key (unless `headers` replaces it). */
export async function call<T = Record<string, unknown>>(
  sim: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: API_KEY },
): Promise<Reply<T>> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

let nonceCounter = 0;

/** Options of {@link signAs}. */
export interface SignOptions {
  nonce?: string;
  timestamp?: number;
  privateData?: unknown;
}

/** A submission signed by a sample participant's seeded key. */
export function signAs(
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
  options: SignOptions = {},
) {
  nonceCounter += 1;
  const tx = {
    type,
    participantId,
    nonce: options.nonce ?? `test-${process.pid}-${nonceCounter}`,
    timestamp: options.timestamp ?? Date.UTC(2024, 0, 1) + nonceCounter,
    payload,
  };
  const signature = signTransaction(tx, participantKeyFromSeed(`tracr-sim:${participantId}`).privateKey);
  return {
    tx,
    signature,
    ...(options.privateData === undefined ? {} : { privateData: options.privateData }),
  };
}

/** Signs and submits one transaction. */
export function submit(
  sim: { url: string },
  participantId: string,
  type: string,
  payload: Record<string, unknown>,
  options: SignOptions = {},
): Promise<Reply<SubmitBody>> {
  return call(sim, 'POST', '/v1/transactions', signAs(participantId, type, payload, options));
}

/** A rough registered by kalahari-mining and committed; answers its Tracr ID. */
export async function registerRough(
  sim: { url: string },
  payload: Record<string, unknown> = {},
): Promise<string> {
  const reply = await submit(sim, 'kalahari-mining', 'REGISTER_ROUGH', {
    caratWeight: 1.5,
    sourceCountry: 'BW',
    ...payload,
  });
  if (reply.status !== 202) throw new Error(`registration failed: ${JSON.stringify(reply.body)}`);
  return reply.body.diamondId;
}
