/**
 * `tracebridge`: what an adapter author builds on. The adapter contract and `defineAdapter`, the one refusal
 * helper every adapter uses, loss reports, the canonical record's types and validator, the trade's
 * vocabularies and units, and an HTTP client whose failures are already classified. The conformance suite
 * every adapter passes is its own entry point, `tracebridge/conformance`.
 *
 * ```ts
 * import { defineAdapter, LossReport, mapOrRefuse, parseClarity } from 'tracebridge';
 * ```
 */

// The adapter contract.
export { defineAdapter, contractProblems } from './adapters/define.js';
export {
  fieldGroupPaths,
  type AdapterCapabilities,
  type AdapterDefinition,
  type ChangePage,
  type ConnectOptions,
  type FieldGroup,
  type PlatformClient,
  type PlatformHealth,
  type PlatformRecord,
  type PutItem,
  type PutOptions,
  type PutResult,
  type RejectedChange,
  type StoneIdentifiers,
} from './adapters/contract.js';
export { loadAdapterModule } from './adapters/registry.js';

// Failures: classified once, where they happen.
export {
  isRetryableStatus,
  NotPermittedError,
  parseRetryAfter,
  PlatformError,
  type FailureClass,
  type PlatformErrorDetails,
} from './adapters/errors.js';
export { fieldPath, mapOrRefuse, refuse, type RefusalContext } from './adapters/refuse.js';
export { createHttpClient, type HttpClientOptions } from './adapters/http.js';
export {
  AdapterOptionError,
  optionVariable,
  readAdapterOptions,
  type AdapterOptionsSchema,
  type OptionSchema,
} from './adapters/options.js';

// The canonical model: types, validation, loss reports, vocabularies, units, printed values.
export type * from './types/diamond.js';
export * from './mapping/index.js';
export { canonicalJson, contentHash } from './mapping/content-hash.js';
