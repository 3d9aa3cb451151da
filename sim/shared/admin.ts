import express, { type Router } from 'express';
import type { FaultInjector } from './faults.js';

/**
 * The routes every simulator shares outside the platform's own API: fault injection, reset and readiness.
 * Mount before the fault middleware so that a test can always turn faults off again.
 */
export function adminRoutes(faults: FaultInjector, reset: () => void): Router {
  const router = express.Router();
  router.get('/readyz', (_req, res) => {
    res.json({ status: 'ready' });
  });
  router.get('/admin/faults', (_req, res) => {
    res.json(faults.current());
  });
  router.post('/admin/faults', express.json(), (req, res) => {
    try {
      res.json(faults.set(req.body));
    } catch (error) {
      res.status(400).json({ message: (error as Error).message });
    }
  });
  router.post('/admin/reset', (_req, res) => {
    faults.reset();
    reset();
    res.status(204).end();
  });
  return router;
}
