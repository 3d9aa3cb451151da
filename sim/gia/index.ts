import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { adminRoutes } from '../shared/admin.js';
import { FaultInjector } from '../shared/faults.js';
import { listen, type RunningServer } from '../shared/server.js';
import { AssetSigner, assetRoutes } from './assets.js';
import { graphqlRoutes } from './graphql.js';
import { RoughIntake } from './intake.js';
import { labRoutes } from './lab.js';
import { m2mRoutes } from './m2m.js';
import { ReportRegistry, type PlanOptions } from './registry.js';

export {
  documentedReportNumber,
  documentedTracrId,
  giaSampleReports,
  giaSampleRoughRecords,
} from './samples.js';
export type { GradingReport, RoughRecord, IntakeWrite } from './types.js';

/** Options of the GIA-style registry simulator. */
export interface GiaSimulatorOptions {
  /** The API key of the default plan; default `GIA_SIM_KEY` or `gia-sandbox-key`. */
  apiKey?: string;
  /** Lookups the default plan may spend on `getReport`; default 10,000. */
  quota?: number;
  /** Further plans, each with its own key, quota and change feed. */
  plans?: Array<{ apiKey: string; quota?: number }>;
  /** Load the sample reports and rough records (default true); `POST /admin/reset` restores them. */
  seed?: boolean;
  /** The clock (epoch ms) for asset expiry, change times and intake timestamps; default `Date.now`. */
  now?: () => number;
}

/** Everything the simulator holds in memory. */
export interface GiaState {
  registry: ReportRegistry;
  intake: RoughIntake;
  assets: AssetSigner;
  /** Restores the seeded reports, rough records and fresh plans. */
  reset: () => void;
}

/** A simulator ready to listen. */
export interface GiaSimulator {
  app: Express;
  state: GiaState;
  faults: FaultInjector;
}

/** A simulator listening on a port. */
export type RunningGiaSimulator = RunningServer & { state: GiaState; faults: FaultInjector };

/** The default quota of a plan: plenty for a demo, small enough that a test can spend it by configuration. */
export const defaultQuota = 10_000;

/** Builds the GIA-style registry: GraphQL at `/graphql`, the M2M intake at `/m2m/v1`, assets, admin routes. */
export function createGiaSimulator(options: GiaSimulatorOptions = {}): GiaSimulator {
  const now = options.now ?? Date.now;
  const plans: PlanOptions[] = [
    {
      apiKey: options.apiKey ?? process.env.GIA_SIM_KEY ?? 'gia-sandbox-key',
      quota: options.quota ?? defaultQuota,
    },
    ...(options.plans ?? []).map((plan) => ({ apiKey: plan.apiKey, quota: plan.quota ?? defaultQuota })),
  ];
  const registry = new ReportRegistry(plans, options.seed ?? true, now);
  const intake = new RoughIntake(options.seed ?? true, now);
  const assets = new AssetSigner(now);
  const state: GiaState = {
    registry,
    intake,
    assets,
    reset: () => {
      registry.reset();
      intake.reset();
    },
  };
  const faults = new FaultInjector();

  const app = express();
  app.disable('x-powered-by');
  // Admin first, outside the faults, so a test can always turn them off again.
  app.use(adminRoutes(faults, state.reset));
  app.use(labRoutes(registry, intake));
  app.use(['/graphql', '/m2m', '/assets'], faults.middleware());
  app.use(graphqlRoutes(registry, assets));
  app.use(m2mRoutes(intake, registry));
  app.use(assetRoutes(assets, registry, now));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `no route ${req.method} ${req.path}` });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    res.status(status).json({ message: status < 500 ? (error as Error).message : 'Internal Server Error' });
  });
  return { app, state, faults };
}

/** Starts the simulator on `port` (default 0, a free one) and `host` (default 127.0.0.1). */
export async function startGiaSimulator(
  options: GiaSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningGiaSimulator> {
  const { app, state, faults } = createGiaSimulator(options);
  const running = await listen(app, options.port ?? 0, options.host);
  return { ...running, state, faults };
}
