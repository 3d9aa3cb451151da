#!/usr/bin/env node
// `npm run soak`: one long model-based sequence (10,000 commands unless TRACEBRIDGE_SOAK_OPS says
// otherwise) against a real Redis, both simulators, the API and two worker processes; prints what it
// checked. TRACEBRIDGE_MODEL_SEED replays a run.
import { spawn } from 'node:child_process';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ops = process.env.TRACEBRIDGE_SOAK_OPS ?? '10000';
if (!/^\d+$/.test(ops) || Number(ops) < 1) {
  process.stderr.write(`soak: TRACEBRIDGE_SOAK_OPS=${ops} must be a whole number of 1 or more\n`);
  process.exit(2);
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(
  process.execPath,
  [vitest, 'run', 'test/sync/model.test.ts', '--reporter=verbose', '--silent=false', '--testTimeout=0'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TRACEBRIDGE_SOAK_OPS: ops } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
