import { parseApiKeys, type ApiKeyConfig } from './auth.js';
import type { RateLimitSettings } from './services.js';

/**
 * The API's own settings, read from the environment beside the bridge's configuration (src/config.ts):
 * keys, webhook secrets, the per-key rate limit and the lookup's per-platform timeout. A bad value is
 * refused naming the variable.
 */
export interface ApiSettings {
  apiKeys: ApiKeyConfig[];
  webhookSecrets: Record<string, string>;
  rateLimit: RateLimitSettings;
  lookupTimeoutMs: number;
  /** The largest bulk import file accepted, in bytes (`TRACEBRIDGE_IMPORT_MAX_BYTES`, default 1 GiB). */
  importMaxBytes: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `TRACEBRIDGE_API_KEYS`, `TRACEBRIDGE_WEBHOOK_SECRETS`, `TRACEBRIDGE_API_RATE_LIMIT`, `TRACEBRIDGE_LOOKUP_TIMEOUT_MS`,
 * `TRACEBRIDGE_IMPORT_MAX_BYTES`. */
export function readApiSettings(env: Env = process.env): ApiSettings {
  return {
    apiKeys: parseApiKeys(env.TRACEBRIDGE_API_KEYS),
    webhookSecrets: parseSecrets(env.TRACEBRIDGE_WEBHOOK_SECRETS),
    rateLimit: { limit: int(env, 'TRACEBRIDGE_API_RATE_LIMIT', 600, 0), windowMs: 60_000 },
    lookupTimeoutMs: int(env, 'TRACEBRIDGE_LOOKUP_TIMEOUT_MS', 3_000, 1),
    importMaxBytes: int(env, 'TRACEBRIDGE_IMPORT_MAX_BYTES', 1024 * 1024 * 1024, 1),
  };
}

function parseSecrets(value: string | undefined): Record<string, string> {
  if (value === undefined || value.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new TypeError('TRACEBRIDGE_WEBHOOK_SECRETS must be a JSON object such as {"gia": "<secret>"}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError('TRACEBRIDGE_WEBHOOK_SECRETS must be a JSON object such as {"gia": "<secret>"}');
  }
  const secrets: Record<string, string> = {};
  for (const [adapter, secret] of Object.entries(parsed)) {
    if (typeof secret !== 'string' || secret.length < 16) {
      throw new TypeError(
        `TRACEBRIDGE_WEBHOOK_SECRETS.${adapter} must be a string of at least 16 characters`,
      );
    }
    secrets[adapter] = secret;
  }
  return secrets;
}

function int(env: Env, name: string, fallback: number, min: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min)
    throw new TypeError(`${name}=${JSON.stringify(text)} must be a whole number of ${min} or more`);
  return value;
}
