/**
 * The package as a third party gets it: `npm pack`, installed into a fresh project outside the repository,
 * with the example adapter copied there. The example imports only 'tracebridge' and
 * 'tracebridge/conformance', type-checks against the published declarations, passes the conformance suite
 * under node's own test runner, and the installed `tracebridge worker` refuses to start without the option
 * the adapter declares as required.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryTarget } from '../../examples/inventory-adapter/conformance.js';
import { runAdapterConformance } from '../../src/conformance/index.js';
import { packageRoot } from '../../src/package-root.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** How many checks the suite registers for the example target: every one must pass under node:test. */
function checksRegistered(): number {
  let checks = 0;
  runAdapterConformance(inventoryTarget, {
    describe: (_name, body) => body(),
    it: () => void checks++,
    beforeAll: () => undefined,
    afterAll: () => undefined,
    expect: () => ({ toEqual: () => undefined }),
  });
  return checks;
}

describe('the published package', () => {
  let shop: string;
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startRedis();
    if (!existsSync(join(packageRoot, 'dist', 'src', 'index.js'))) {
      run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], packageRoot);
    }
    shop = mkdtempSync(join(tmpdir(), 'tracebridge-shop-'));
    run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', shop], packageRoot);
    const tarball = readdirSync(shop).find((name) => name.endsWith('.tgz'));
    writeFileSync(
      join(shop, 'package.json'),
      JSON.stringify({ name: 'shop-bridge', private: true, type: 'module' }),
    );
    // Everything tracebridge depends on is in npm's cache after the project's own install.
    run(
      npm,
      ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      shop,
    );
    cpSync(join(packageRoot, 'examples', 'inventory-adapter'), join(shop, 'inventory-adapter'), {
      recursive: true,
    });
  }, 240_000);

  afterAll(async () => {
    await redis?.stop();
    if (shop) rmSync(shop, { recursive: true, force: true });
  });

  it('holds the built entry points and no test or source tree', () => {
    const installed = join(shop, 'node_modules', 'tracebridge');
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/conformance/index.js',
      'schemas',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    for (const absent of ['test', 'src/adapters', 'src/index.ts', 'dist/test', 'bench'])
      expect(existsSync(join(installed, absent)), absent).toBe(false);
  });

  it('type-checks the example adapter against the published declarations, strictly', () => {
    const compiled = spawnSync(
      process.execPath,
      [
        tsc,
        '--strict',
        '--exactOptionalPropertyTypes',
        '--noUncheckedIndexedAccess',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(packageRoot, 'node_modules', '@types'),
        '--outDir',
        'out',
        ...readdirSync(join(shop, 'inventory-adapter')).map((file) => join('inventory-adapter', file)),
      ],
      { cwd: shop, encoding: 'utf8' },
    );
    expect(`${compiled.stdout}${compiled.stderr}`).toBe('');
    expect(compiled.status).toBe(0);
  });

  it('passes the conformance suite from tracebridge/conformance under node:test', () => {
    writeFileSync(
      join(shop, 'conformance.test.mjs'),
      [
        "import { after, before, describe, it } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { runAdapterConformance } from 'tracebridge/conformance';",
        "import { inventoryTarget } from './out/conformance.js';",
        'const expect = (actual, message) => ({ toEqual: (expected) => assert.deepStrictEqual(actual, expected, message) });',
        'runAdapterConformance(inventoryTarget, { describe, it, beforeAll: before, afterAll: after, expect });',
      ].join('\n'),
    );
    const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'conformance.test.mjs'], {
      cwd: shop,
      encoding: 'utf8',
    });
    const count = (label: string): number =>
      Number(new RegExp(`^# ${label} (\\d+)$`, 'm').exec(result.stdout)?.[1]);
    expect(count('fail'), result.stdout.slice(-4000)).toBe(0);
    expect(count('pass')).toBe(checksRegistered());
    expect(result.status).toBe(0);
  }, 120_000);

  it('stops start-up naming the option when the adapter’s required option is missing, and starts with it', async () => {
    const env = {
      REDIS_URL: redis.url,
      TRACEBRIDGE_ADAPTERS: 'gia',
      TRACEBRIDGE_ADAPTER_MODULES: join(shop, 'out', 'index.js'),
      TRACEBRIDGE_INVENTORY_URL: 'http://127.0.0.1:9',
      TRACEBRIDGE_INVENTORY_ACCOUNT_ID: '',
    };
    const bin = join(shop, 'node_modules', '.bin', 'tracebridge');
    const refused = spawnSync(bin, ['worker'], {
      cwd: shop,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      '[inventory] option accountId (TRACEBRIDGE_INVENTORY_ACCOUNT_ID) is required',
    );

    const worker = spawn(bin, ['worker', '--grace', '1'], {
      cwd: shop,
      env: { ...process.env, ...env, TRACEBRIDGE_INVENTORY_ACCOUNT_ID: 'shop-1' },
    });
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      worker.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('syncing to')) resolve(out);
      });
      worker.once('exit', (code) => reject(new Error(`worker exited ${code} before starting: ${out}`)));
    });
    expect(started).toMatch(/syncing to .*inventory/);
    // The exit code, or the signal that ended it (a worker that dies of SIGTERM had no handler yet).
    const exited = new Promise<number | string | null>((resolve) =>
      worker.once('exit', (code, signal) => resolve(code ?? signal)),
    );
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
