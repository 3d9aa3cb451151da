import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAdapterModule, loadAdapters } from '../../src/adapters/registry.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => `./test/fixtures/adapters/${name}`;

describe('loading third-party adapter modules', () => {
  it('loads a module whose default export meets the contract', async () => {
    const adapter = await loadAdapterModule('./examples/inventory-adapter/index.ts', repoRoot);
    expect(adapter.name).toBe('inventory');
  });

  it('loads a module that exports its adapter under the name adapter', async () => {
    const adapter = await loadAdapterModule(fixture('inventory-twin.ts'), repoRoot);
    expect(adapter.description).toBe('a second stock system claiming the same name');
  });

  it('refuses a module that does not meet the contract, listing every problem', async () => {
    const loading = loadAdapterModule(fixture('half-finished.ts'), repoRoot);
    await expect(loading).rejects.toThrow(
      /adapter module '\.\/test\/fixtures\/adapters\/half-finished\.ts' does not meet the adapter contract/,
    );
    const message = await loading.catch((error: Error) => error.message);
    for (const problem of [
      'name must match',
      '"Half Finished"',
      'fromCanonical must be a function',
      'connect must be a function',
      'capabilities.changeFeed must be a boolean',
      'capabilities.batchWriteSize must be a whole number of 1 or more',
      "capabilities.finality must be 'immediate' or 'block'",
      'capabilities.writes must be empty when write is false',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('refuses a module with no adapter export', async () => {
    await expect(loadAdapterModule(fixture('no-adapter-export.ts'), repoRoot)).rejects.toThrow(
      /no-adapter-export\.ts' does not meet the adapter contract: an adapter must be an object/,
    );
  });

  it('names the module path when there is no module there', async () => {
    await expect(loadAdapterModule(fixture('no-such-adapter.ts'), repoRoot)).rejects.toThrow(
      "cannot load adapter module './test/fixtures/adapters/no-such-adapter.ts'",
    );
  });

  it('refuses two adapters with one name, naming the name and where the second came from', async () => {
    await expect(
      loadAdapters({
        enabled: [],
        modules: ['./examples/inventory-adapter/index.ts', fixture('inventory-twin.ts')],
        cwd: repoRoot,
      }),
    ).rejects.toThrow(
      "two adapters are named 'inventory' (the second from ./test/fixtures/adapters/inventory-twin.ts)",
    );
  });

  it('loads each named module once under its own name', async () => {
    const adapters = await loadAdapters({
      enabled: [],
      modules: ['./examples/inventory-adapter/index.ts'],
      cwd: repoRoot,
    });
    expect([...adapters.keys()]).toEqual(['inventory']);
  });
});
