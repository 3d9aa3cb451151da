import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

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
    // test/sync, the model-based sync test, runs with the rest: 200 short sequences, about a minute here.
    include: ['test/**/*.test.ts'],
    // Suites start their own redis-server and simulators; two cores do not need more parallel forks.
    maxWorkers: 2,
    testTimeout: 30_000,
    // A page or a queue polled on a loaded machine may take more than a second to show what it will.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
  },
});
