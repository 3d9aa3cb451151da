/**
 * Connects a client for every adapter from configuration: the built-ins from their own settings
 * (`TRACR_*`, `GIA_*`), a third-party adapter from `TRACEBRIDGE_<NAME>_URL`, `TRACEBRIDGE_<NAME>_API_KEY` and the
 * options it declares (`TRACEBRIDGE_<NAME>_<OPTION>`), checked here so a missing one stops start-up.
 * An adapter that cannot be connected (Tracr without a participant key) is left out with the reason, so a
 * bridge can still run the platforms it can reach. Format-only adapters (neither read nor write, such as
 * EPCIS) are skipped without a word: they have no platform to connect to.
 */
import type { PlatformClient } from '../adapters/contract.js';
import { optionVariable, readAdapterOptions } from '../adapters/options.js';
import type { AnyAdapter } from '../adapters/registry.js';
import type { BridgeConfig } from '../config.js';

/** The clients, and the adapters left without one. */
export interface ConnectedClients {
  clients: Map<string, PlatformClient>;
  unconnected: { adapter: string; reason: string }[];
}

/** Connects every adapter in `adapters` that configuration allows; format-only ones get no client. */
export function connectClients(
  config: BridgeConfig,
  adapters: ReadonlyMap<string, AnyAdapter>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConnectedClients {
  const clients = new Map<string, PlatformClient>();
  const unconnected: ConnectedClients['unconnected'] = [];
  for (const adapter of adapters.values()) {
    // A format-only adapter (EPCIS: export and import, no platform to reach) has nothing to connect to.
    if (!adapter.capabilities.read && !adapter.capabilities.write) continue;
    const options = connectOptions(config, adapter, env);
    if (typeof options === 'string') unconnected.push({ adapter: adapter.name, reason: options });
    else clients.set(adapter.name, adapter.connect(options) as PlatformClient);
  }
  return { clients, unconnected };
}

function connectOptions(
  config: BridgeConfig,
  adapter: AnyAdapter,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> | string {
  const { name } = adapter;
  if (name === 'gia') return { url: config.gia.url, apiKey: config.gia.apiKey };
  if (name === 'tracr') {
    const { url, apiKey, participantId, privateKey } = config.tracr;
    if (participantId === undefined || privateKey === undefined) {
      return 'TRACR_PARTICIPANT_ID and TRACR_PRIVATE_KEY are needed to sign ledger transactions';
    }
    return { url, apiKey, participantId, privateKey };
  }
  const url = env[optionVariable(name, 'url')];
  if (url === undefined || url === '') return `${optionVariable(name, 'url')} is not set`;
  // The adapter's own options are checked now: a missing one stops start-up, naming it.
  const declared = adapter.options ?? { type: 'object', properties: {} };
  const own = readAdapterOptions(name, declared, env);
  return { ...own, url, apiKey: env[optionVariable(name, 'apiKey')] ?? '' };
}
