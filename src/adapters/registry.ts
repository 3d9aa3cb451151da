import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AdapterDefinition } from './contract.js';
import { contractProblems } from './define.js';

/** Any adapter, whatever its native record and options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = AdapterDefinition<any, any>;

/** Built-in adapters, loaded on first use so a command pays only for what it touches. */
const builtIns: Record<string, () => Promise<AnyAdapter>> = {
  epcis: async () => (await import('./epcis/index.js')).epcisAdapter,
  gia: async () => (await import('./gia/index.js')).giaAdapter,
  tracr: async () => (await import('./tracr/index.js')).tracrAdapter,
};

/** Names of the built-in adapters. */
export function builtInAdapterNames(): string[] {
  return Object.keys(builtIns).sort();
}

/** The built-in adapter called `name`; throws naming the known ones when there is none. */
export async function builtInAdapter(name: string): Promise<AnyAdapter> {
  const load = builtIns[name];
  if (!load) {
    throw new Error(
      `[tracebridge] unknown adapter '${name}'; built-in adapters: ${builtInAdapterNames().join(', ')}`,
    );
  }
  return load();
}

/**
 * Loads a third-party adapter from a module path (absolute, relative to `cwd`, or a package name when no such file exists). The
 * module's default export, or its export named `adapter`, must meet the adapter contract.
 */
export async function loadAdapterModule(specifier: string, cwd = process.cwd()): Promise<AnyAdapter> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier) || existsSync(resolve(cwd, specifier));
  const url = isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`[tracebridge] cannot load adapter module '${specifier}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidate = module.default ?? module.adapter;
  const problems = contractProblems(candidate);
  if (problems.length > 0) {
    throw new Error(
      `[tracebridge] adapter module '${specifier}' does not meet the adapter contract: ${problems.join('; ')}`,
    );
  }
  return candidate as AnyAdapter;
}

/**
 * The adapters a bridge runs with: the built-ins named in `enabled` (all by default) and every third-party
 * module in `modules`. Two adapters with the same name are refused.
 */
export async function loadAdapters(
  options: { enabled?: string[] | undefined; modules?: string[] | undefined; cwd?: string | undefined } = {},
): Promise<Map<string, AnyAdapter>> {
  const adapters = new Map<string, AnyAdapter>();
  const add = (adapter: AnyAdapter, from: string): void => {
    if (adapters.has(adapter.name))
      throw new Error(`[tracebridge] two adapters are named '${adapter.name}' (the second from ${from})`);
    adapters.set(adapter.name, adapter);
  };
  for (const name of options.enabled ?? builtInAdapterNames())
    add(await builtInAdapter(name), 'the built-ins');
  for (const specifier of options.modules ?? [])
    add(await loadAdapterModule(specifier, options.cwd), specifier);
  return adapters;
}
