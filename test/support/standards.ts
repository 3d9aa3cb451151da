import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

/**
 * Where third-party standards material lives (GS1 EPCIS examples, the CBV event-hash reference examples,
 * GIA's API schema): `TRACEBRIDGE_STANDARDS_DIR` (or `TRACEBRIDGE_STANDARDS`), else `../shared/standards`
 * beside the repository. It is read in place, never copied into the repository.
 */
export const standardsDir: string =
  process.env.TRACEBRIDGE_STANDARDS_DIR ??
  process.env.TRACEBRIDGE_STANDARDS ??
  join(packageRoot, '..', 'shared', 'standards');
