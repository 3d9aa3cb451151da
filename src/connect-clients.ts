/**
 * Connects a client for every adapter from configuration. Every adapter, built-in or third-party, reads its
 * connection and its own options the same way: `TRACEBRIDGE_<NAME>_URL`, `TRACEBRIDGE_<NAME>_API_KEY` and
 * each option it declares (`TRACEBRIDGE_<NAME>_<OPTION>`, the aliases it declares, the options file, or
 * options given in code), checked here so a missing or malformed one stops start-up, naming it. An adapter
 * without a URL, or one that says it cannot connect with its options (a ledger with no key to sign with), is
 * left out with the reason, so a bridge can still run the platforms it can reach. Format-only adapters
 * (neither read nor write) are skipped without a word: they have no platform to connect to.
 */
import type { PlatformClient } from './adapters/contract.js';
import { optionVariable, readAdapterOptions, type AdapterOptionsSchema } from './adapters/options.js';
import type { AnyAdapter } from './adapters/registry.js';
import type { BridgeConfig } from './config.js';

/** The clients, the options each was connected with, and the adapters left without one. */
export interface ConnectedClients {
  clients: Map<string, PlatformClient>;
  /** The options each connected adapter read, by adapter name. */
  options: Map<string, Record<string, unknown>>;
  unconnected: { adapter: string; reason: string }[];
}

/** Connects every adapter in `adapters` that configuration allows; format-only ones get no client. */
export function connectClients(
  config: BridgeConfig,
  adapters: ReadonlyMap<string, AnyAdapter>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConnectedClients {
  const connected: ConnectedClients = { clients: new Map(), options: new Map(), unconnected: [] };
  for (const adapter of adapters.values()) {
    // A format-only adapter (export and import, no platform to reach) has nothing to connect to.
    if (isFormatOnly(adapter)) continue;
    const options = connectOptions(config, adapter, env);
    const reason = typeof options === 'string' ? options : adapter.unavailable?.(options);
    if (reason !== undefined) connected.unconnected.push({ adapter: adapter.name, reason });
    else {
      const ready = options as Record<string, unknown>;
      connected.options.set(adapter.name, ready);
      connected.clients.set(adapter.name, adapter.connect(ready) as PlatformClient);
    }
  }
  return connected;
}

/** The adapter's options with the participants registry, or why it has no platform to connect to. */
function connectOptions(
  config: BridgeConfig,
  adapter: AnyAdapter,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> | string {
  const { name } = adapter;
  const schema = withConnection(adapter.options);
  const given = config.adapterOptions[name] ?? {};
  // Without a URL there is no platform: left out, before its other options are asked for.
  const { url } = readAdapterOptions(name, pick(schema, 'url'), env, given);
  if (url === undefined) return `${optionVariable(name, 'url')} is not set`;
  return { ...readAdapterOptions(name, schema, env, given), orgs: config.orgs };
}

/** The adapter's declared options, with `url` and `apiKey` (no key by default) where it declares none. */
function withConnection(declared: AdapterOptionsSchema | undefined): AdapterOptionsSchema {
  const properties = declared?.properties ?? {};
  return {
    ...declared,
    type: 'object',
    properties: {
      url: { type: 'string', description: "The platform's base URL" },
      apiKey: { type: 'string', default: '', description: "The platform's API key" },
      ...properties,
    },
  };
}

function pick(schema: AdapterOptionsSchema, option: string): AdapterOptionsSchema {
  const declared = schema.properties[option];
  return { type: 'object', properties: declared === undefined ? {} : { [option]: declared } };
}

/**
 * The adapters a running bridge works with: each connected one and each format-only one. An adapter left
 * unconnected is left out, so that no stone is queued for a platform no worker can write to.
 */
export function adaptersInPlay(
  adapters: ReadonlyMap<string, AnyAdapter>,
  clients: ReadonlyMap<string, PlatformClient>,
): Map<string, AnyAdapter> {
  return new Map([...adapters].filter(([name, adapter]) => clients.has(name) || isFormatOnly(adapter)));
}

function isFormatOnly(adapter: AnyAdapter): boolean {
  return !adapter.capabilities.read && !adapter.capabilities.write;
}
