import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

const script = join(packageRoot, 'scripts', 'folder-cycles.mjs');
const trees: string[] = [];

/** A source tree under a fresh temporary directory: path (relative to the root) -> file text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root: string): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

afterEach(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('scripts/folder-cycles.mjs', () => {
  it('fails naming the cycle when two folders import each other through a third', () => {
    const root = tree({
      'queue/queues.ts': "import type { Placement } from '../sync/placement.js';\nexport const q = 1;\n",
      'sync/placement.ts': "import { rule } from '../match/rules.js';\nexport type Placement = string;\n",
      'match/rules.ts': "export { q } from '../queue/queues.js';\nexport const rule = 1;\n",
      'store/keys.ts': 'export const keys = 1;\n',
    });
    const { status, stderr } = check(root);
    expect(status).toBe(1);
    expect(stderr).toContain('match -> queue -> sync -> match');
    expect(stderr).toContain('queue -> sync: queue/queues.ts');
    expect(stderr).not.toContain('store');
  });

  it('counts a file directly under the root as a node of its own', () => {
    const root = tree({
      'workers.ts': "import { q } from './queue/queues.js';\nexport const w = q;\n",
      'queue/index.ts': "export { w } from '../workers.js';\n",
      'queue/queues.ts': 'export const q = 1;\n',
    });
    const { status, stderr } = check(root);
    expect(status).toBe(1);
    expect(stderr).toContain('queue -> workers.ts -> queue');
  });

  it('passes a tree whose folders import one way only', () => {
    const root = tree({
      'sync/placement.ts':
        "import { q } from '../queue/queues.js';\nimport { rule } from '../match/rules.js';\n",
      'queue/queues.ts': "import { keys } from '../store/keys.js';\nexport const q = keys;\n",
      'queue/lock.ts': "import { q } from './queues.js';\nexport const lock = q;\n",
      'match/rules.ts': 'export const rule = 1;\n',
      'store/keys.ts': "const lazy = () => import('../../outside/file.js');\nexport const keys = lazy;\n",
    });
    expect(check(root)).toEqual({ status: 0, stderr: '' });
  });

  it("passes the bridge's own src/", () => {
    expect(check(join(packageRoot, 'src'))).toEqual({ status: 0, stderr: '' });
  });
});
