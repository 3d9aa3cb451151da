import {
  startGiaSimulator,
  type GiaSimulatorOptions,
  type RunningGiaSimulator,
} from '../../../sim/gia/index.js';

export { standardsDir } from '../../support/standards.js';

/** The key every test plan uses unless a test says otherwise. */
export const testKey = 'gia-test-key';

/** A GraphQL-over-HTTP reply as the registry sends it: the status and the parsed JSON body. */
export interface GiaReply {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<Record<string, unknown>>;
    message?: string;
  };
}

/** Starts a simulator on a free port with the test key; stop it with `close()`. */
export async function startTestGia(options: GiaSimulatorOptions = {}): Promise<RunningGiaSimulator> {
  return startGiaSimulator({ apiKey: testKey, ...options });
}

/** POSTs one GraphQL request to `/graphql` over real HTTP, as GIA's documentation describes. */
export async function postGraphql(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  key: string | null = testKey,
): Promise<GiaReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = key;
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GiaReply['body'],
  };
}

/** Sends JSON to a simulator route and answers the status and parsed body. */
export async function sendJson(
  url: string,
  method: string,
  body?: unknown,
  key: string | null = testKey,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = key;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
