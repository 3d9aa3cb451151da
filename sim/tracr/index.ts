import express, { type Express } from 'express';
import { adminRoutes } from '../shared/admin.js';
import { FaultInjector } from '../shared/faults.js';
import { listen, type RunningServer } from '../shared/server.js';
import { TracrLedger } from './ledger.js';
import { ledgerAdminRoutes, ledgerRoutes } from './routes.js';
import { loadSamples } from './samples.js';

export {
  canonicalJson,
  participantKeyFromSeed,
  priceCommitment,
  sha256Hex,
  signTransaction,
} from './crypto.js';
export type { ParticipantKey } from './crypto.js';
export { blockHash, GENESIS_TIMESTAMP, stateHashOf, TracrLedger } from './ledger.js';
export type { InclusionProof, TransactionStatus } from './ledger.js';
export { leafHash, nodeHash, EMPTY_ROOT } from './merkle.js';
export type { ProofStep } from './merkle.js';
export * from './model.js';
export { MAX_BATCH_SIZE } from './routes.js';
export { loadSamples, sampleIds, sampleParticipants, samplePrices, sampleSteps } from './samples.js';
export type { SampleParticipant } from './samples.js';

/** Options of {@link createTracrSimulator}. */
export interface TracrSimulatorOptions {
  /** The bare key clients send in `Authorization`. Default `TRACR_SIM_KEY` or `tracr-sandbox-key`. */
  apiKey?: string;
  /** Milliseconds between blocks; 0 commits every submission before answering. Default 200. */
  blockIntervalMs?: number;
  /** Load the sample participants and stones (and reload them on `POST /admin/reset`). Default true. */
  seed?: boolean;
  /** Clock for block timestamps. Default `Date.now`. */
  now?: () => number;
}

/** A simulator not yet listening: the app, the ledger behind it and its fault settings. */
export interface TracrSimulator {
  app: Express;
  ledger: TracrLedger;
  faults: FaultInjector;
  /** Stops the block timer. */
  close(): void;
}

/** Builds the Tracr-style ledger simulator (DESIGN.md section 2); the block timer starts at once. */
export function createTracrSimulator(options: TracrSimulatorOptions = {}): TracrSimulator {
  const blockIntervalMs = options.blockIntervalMs ?? 200;
  if (!Number.isInteger(blockIntervalMs) || blockIntervalMs < 0) {
    throw new TypeError(
      `[tracr-sim] blockIntervalMs must be a whole number of 0 or more, got ${blockIntervalMs}`,
    );
  }
  const apiKey = options.apiKey ?? process.env['TRACR_SIM_KEY'] ?? 'tracr-sandbox-key';
  const ledger = new TracrLedger({ blockIntervalMs, now: options.now ?? Date.now });
  const reset = (): void => {
    ledger.clear();
    ledger.clearParticipants();
    if (options.seed ?? true) loadSamples(ledger);
  };
  reset();
  const faults = new FaultInjector();
  const app = express();
  app.disable('x-powered-by');
  app.use(adminRoutes(faults, reset));
  app.use(ledgerAdminRoutes(ledger));
  app.use('/v1', faults.middleware(), ledgerRoutes(ledger, apiKey));
  ledger.start();
  return { app, ledger, faults, close: () => ledger.stop() };
}

/** A listening simulator; `close()` also stops the block timer. */
export type RunningTracrSimulator = RunningServer & { ledger: TracrLedger; faults: FaultInjector };

/** Starts the simulator on `port` (default 0: any free port) and `host` (default 127.0.0.1). */
export async function startTracrSimulator(
  options: TracrSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningTracrSimulator> {
  const simulator = createTracrSimulator(options);
  const running = await listen(simulator.app, options.port ?? 0, options.host);
  return {
    ...running,
    ledger: simulator.ledger,
    faults: simulator.faults,
    close: async () => {
      simulator.close();
      await running.close();
    },
  };
}
