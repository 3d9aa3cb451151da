import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { authorizationDenied } from './graphql.js';
import { IntakeValidationError, parseRoughSubmission, type RoughIntake } from './intake.js';
import type { ReportRegistry } from './registry.js';

/** Page size of `GET /m2m/v1/rough` when the client gives no `limit`, and the largest it may ask for. */
export const roughListPage = { defaultLimit: 50, maxLimit: 500 } as const;

/**
 * The Mine-to-Market intake, REST over JSON under `/m2m/v1`, authorised by the same bare key as GraphQL.
 * `POST` creates (or answers the identical existing record), `PUT` replaces; both are idempotent.
 */
export function m2mRoutes(intake: RoughIntake, registry: ReportRegistry): Router {
  const router = express.Router();
  router.use('/m2m', (req: Request, res: Response, next: NextFunction) => {
    if (registry.planFor(req.get('authorization'))) next();
    else res.status(403).json(authorizationDenied);
  });
  router.use('/m2m', express.json({ limit: '256kb', strict: false }));

  router.post('/m2m/v1/rough', (req, res) => {
    const submission = parseRoughSubmission(req.body);
    const result = intake.submit(submission);
    if (result.outcome === 'conflict') {
      res.status(409).json({
        message: `rough_control_no ${submission.rough_control_no} is already registered with other ${result.fields.join(', ')}; PUT replaces it`,
        rough_control_no: submission.rough_control_no,
        fields: result.fields,
      });
      return;
    }
    res.status(result.outcome === 'created' ? 201 : 200).json(result.record);
  });

  router.put('/m2m/v1/rough/:rough_control_no', (req, res) => {
    const fromPath = req.params.rough_control_no;
    const body: unknown = req.body;
    const withNumber =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? { rough_control_no: fromPath, ...body }
        : body;
    const submission = parseRoughSubmission(withNumber);
    if (submission.rough_control_no !== fromPath) {
      throw new IntakeValidationError(
        'rough_control_no',
        submission.rough_control_no,
        `the number in the path (${fromPath})`,
      );
    }
    const result = intake.replace(submission);
    res.status(result.outcome === 'created' ? 201 : 200).json(result.record);
  });

  router.get('/m2m/v1/rough/:rough_control_no', (req, res) => {
    const record = intake.records.get(req.params.rough_control_no);
    if (record) res.json(record);
    else
      res
        .status(404)
        .json({ message: `no rough record with rough_control_no ${req.params.rough_control_no}` });
  });

  router.get('/m2m/v1/rough', (req, res) => {
    const limit = req.query.limit === undefined ? roughListPage.defaultLimit : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > roughListPage.maxLimit) {
      throw new IntakeValidationError(
        'limit',
        req.query.limit,
        `an integer from 1 to ${roughListPage.maxLimit}`,
      );
    }
    const offset = req.query.cursor === undefined ? 0 : decodeCursor(req.query.cursor);
    const page = intake.list(offset, limit);
    res.json({ items: page.items, next_cursor: page.next === null ? null : encodeCursor(page.next) });
  });

  router.use('/m2m', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof IntakeValidationError) {
      res.status(400).json({ message: error.message, field: error.field, value: error.value ?? null });
    } else if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ message: 'the body is not valid JSON', field: 'body', value: null });
    } else next(error);
  });
  return router;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`rough:${offset}`).toString('base64url');
}

function decodeCursor(cursor: unknown): number {
  const match =
    typeof cursor === 'string' ? /^rough:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString()) : null;
  if (!match) throw new IntakeValidationError('cursor', cursor, 'a next_cursor this intake returned');
  return Number(match[1]);
}
