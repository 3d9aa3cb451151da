import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding tracebridge's package.json. Code runs both from `src/` (tests) and from `dist/src/`
 * (the installed command), so files that ship beside the code, such as `schemas/`, are found from here.
 */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    if (dirname(dir) === dir) throw new Error(`[tracebridge] cannot find the package root above ${start}`);
  }
}
