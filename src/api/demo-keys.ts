import type { ApiKeyConfig } from './auth.js';

/**
 * The demo's fixed API keys, printed by `tracebridge demo` so a newcomer can try every role at once.
 * They are never loaded by default: only the demo passes them in. Outside the demo, keys come from
 * configuration (`TRACEBRIDGE_API_KEYS`).
 */
export const demoApiKeys: readonly ApiKeyConfig[] = [
  { name: 'demo-admin', key: 'demo-admin-key', role: 'admin' },
  { name: 'demo-producer', key: 'demo-producer-key', role: 'producer', org: 'demo-mining' },
  { name: 'demo-reader', key: 'demo-reader-key', role: 'reader' },
];
