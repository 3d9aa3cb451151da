import axios, { type AxiosInstance } from 'axios';
import { isRetryableStatus, parseRetryAfter, PlatformError } from './errors.js';

/** Options shared by every HTTP-speaking client. */
export interface HttpClientOptions {
  /** The adapter's name, carried by every error. */
  adapter: string;
  baseURL: string;
  /** Value of the Authorization header. */
  authorization?: string;
  /** Per-call timeout. Default 10 s. */
  timeoutMs?: number;
  /** Further headers sent on every call (an account ID, a client's name). */
  headers?: Readonly<Record<string, string>>;
}

/** Codes of failures where the request never left this machine, so it cannot have been applied. */
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

/** An axios instance whose every failure is already a classified {@link PlatformError}. */
export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const http = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 10_000,
    headers: {
      ...options.headers,
      ...(options.authorization ? { Authorization: options.authorization } : {}),
    },
    // Status handling is ours: the classification below decides what a status means.
    validateStatus: () => true,
    // A platform API answers where it is asked; following a redirect elsewhere would carry the API key along.
    maxRedirects: 0,
  });
  http.interceptors.response.use(
    (response) => {
      if (response.status < 300) return response;
      const body: unknown = response.data;
      const problem =
        typeof body === 'object' && body !== null
          ? (body as { message?: unknown; detail?: unknown; field?: unknown })
          : {};
      // A platform's own message, or an RFC 7807 problem's detail (EPCIS repositories answer with those).
      const detail =
        typeof problem.message === 'string'
          ? problem.message
          : typeof problem.detail === 'string'
            ? problem.detail
            : response.statusText;
      throw new PlatformError(
        `${response.config.method?.toUpperCase()} ${response.config.url} answered ${response.status}: ${detail}`,
        {
          adapter: options.adapter,
          failure: isRetryableStatus(response.status) ? 'retryable' : 'unrecoverable',
          status: response.status,
          ...optional('field', typeof problem.field === 'string' ? problem.field : undefined),
          ...optional('retryAfterMs', parseRetryAfter(response.headers['retry-after'] as string | undefined)),
        },
      );
    },
    (error: unknown) => {
      if (error instanceof PlatformError) throw error;
      const code = axios.isAxiosError(error) ? error.code : undefined;
      const config = axios.isAxiosError(error) ? error.config : undefined;
      throw new PlatformError(
        `${config?.method?.toUpperCase() ?? 'call'} ${config?.url ?? ''} failed: ${code ?? (error as Error).message}`,
        {
          adapter: options.adapter,
          failure: 'retryable',
          ambiguous: !notSent.has(code ?? ''),
          cause: error,
        },
      );
    },
  );
  return http;
}

/** `{[key]: value}` when value is defined, else `{}`: spreads optional properties under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
