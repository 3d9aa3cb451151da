import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { adminRoutes } from '../shared/admin.js';
import { FaultInjector } from '../shared/faults.js';
import { listen, type RunningServer } from '../shared/server.js';
import { subjectsOf } from './query.js';
import { EventRepository } from './repository.js';
import { problem, repositoryRoutes, type CaptureLimits } from './routes.js';

export { EventRepository, type CaptureJob, type StoredEvent } from './repository.js';
export type { CaptureLimits } from './routes.js';

/** Options of the EPCIS 2.0 repository simulator. */
export interface EpcisSimulatorOptions {
  /** The key clients send as `Authorization: Bearer <key>`; default `EPCIS_SIM_KEY` or `epcis-sandbox-key`. */
  apiKey?: string;
  /** Most events one capture may carry (`GS1-EPCIS-Capture-Limit`); default 500. */
  captureLimit?: number;
  /** Most bytes one capture may carry (`GS1-EPCIS-Capture-File-Size-Limit`); default 4 MiB. */
  captureBytes?: number;
  /** How long a capture job runs before its events are stored; default 20 ms. */
  captureDelayMs?: number;
  /** The most events one query page holds, whatever `perPage` asks; default 1000. */
  maxPerPage?: number;
  /** The clock (epoch ms) for record times and capture jobs; default `Date.now`. */
  now?: () => number;
}

/** A simulator ready to listen. */
export interface EpcisSimulator {
  app: Express;
  repository: EventRepository;
  faults: FaultInjector;
  /** The capture interface's limits, read on every capture: a test may lower them while it runs. */
  limits: CaptureLimits;
}

/** A simulator listening on a port. */
export type RunningEpcisSimulator = RunningServer & Omit<EpcisSimulator, 'app'>;

/**
 * Builds the EPCIS 2.0 repository (DESIGN.md section 2): GS1's REST bindings for capture and query, the
 * shared admin routes (faults, reset, readiness) and an admin view of what is stored, for tests.
 */
export function createEpcisSimulator(options: EpcisSimulatorOptions = {}): EpcisSimulator {
  const apiKey = options.apiKey ?? process.env.EPCIS_SIM_KEY ?? 'epcis-sandbox-key';
  const limits: CaptureLimits = {
    events: options.captureLimit ?? 500,
    bytes: options.captureBytes ?? 4 * 1024 * 1024,
    delayMs: options.captureDelayMs ?? 20,
  };
  const repository = new EventRepository(options.now);
  const faults = new FaultInjector();
  const app = express();
  app.disable('x-powered-by');
  // Admin first, outside the faults, so a test can always turn them off again and read what was stored.
  app.use(adminRoutes(faults, () => repository.clear()));
  app.get('/admin/events', (req, res) => {
    const epc = typeof req.query.epc === 'string' ? req.query.epc : undefined;
    const events = repository
      .all()
      .filter((stored) => epc === undefined || subjectsOf(stored.event).includes(epc));
    res.json({ events });
  });
  app.get('/admin/captures', (_req, res) => {
    res.json({ captures: repository.jobList() });
  });
  app.use(faults.middleware());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get('authorization');
    if (given === undefined)
      return problem(
        res,
        401,
        'SecurityException',
        'Unauthorised request',
        'send Authorization: Bearer <key>',
      );
    if (given !== `Bearer ${apiKey}`)
      return problem(res, 403, 'SecurityException', 'Client unauthorised', 'the key is not valid');
    next();
  });
  app.get('/', (_req, res) => {
    res.json({
      '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      type: 'Collection',
      member: ['events', 'capture'],
    });
  });
  app.use(repositoryRoutes(repository, limits, options.maxPerPage ?? 1000));
  app.use((req: Request, res: Response) => {
    problem(res, 404, 'NoSuchResourceException', 'Resource not found', `no route ${req.method} ${req.path}`);
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    problem(res, 500, 'ImplementationException', 'Internal error', (error as Error).message);
  });
  return { app, repository, faults, limits };
}

/** Starts the simulator on `port` (default 0, a free one) and `host` (default 127.0.0.1). */
export async function startEpcisSimulator(
  options: EpcisSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEpcisSimulator> {
  const { app, ...state } = createEpcisSimulator(options);
  const running = await listen(app, options.port ?? 0, options.host);
  return { ...running, ...state };
}
