/**
 * `tracebridge/conformance`: the suite every adapter passes, built-in or third-party. It takes the test
 * runner's functions as a parameter (vitest, node:test, mocha and jest all fit), and judges writes by reading
 * the platform's own state through a {@link FarSide}.
 */
export {
  runAdapterConformance,
  type ConformanceTarget,
  type FarSide,
  type Faults,
  type Golden,
  type PlatformLacks,
  type StartedPlatform,
  type TestApi,
  type Unwritable,
} from './suite.js';
export { coveredBy, differingPointers } from './support.js';
