import express, { type Router } from 'express';
import type { RoughIntake } from './intake.js';
import type { Availability, ReportRegistry } from './registry.js';
import { parseGradingReport, type ReportProblem } from './report-body.js';
import type { DiamondGradingReportResults } from './types.js';

const availabilities: readonly Availability[] = ['available', 'forbidden', 'in_house'];

/**
 * The lab's side and the test hooks, outside GIA's API and without auth (never expose them):
 * `POST /admin/reports` issues or replaces a report as the lab would, `GET /admin/reports/:number`
 * reads one without spending quota, `GET /admin/state` and `GET /admin/writes` show what landed.
 */
export function labRoutes(registry: ReportRegistry, intake: RoughIntake): Router {
  const router = express.Router();

  router.post('/admin/reports', express.json({ limit: '1mb', strict: false }), (req, res) => {
    const parsed = parseGradingReport(req.body);
    if ('problems' in parsed) {
      refuse(res, parsed.problems);
      return;
    }
    const { report } = parsed;
    const supersedes = typeof req.query.supersedes === 'string' ? req.query.supersedes : undefined;
    const availability = typeof req.query.availability === 'string' ? req.query.availability : undefined;
    const problems: ReportProblem[] = [];
    if (
      supersedes !== undefined &&
      (!registry.reports.has(supersedes) || supersedes === report.report_number)
    ) {
      problems.push({ field: 'supersedes', message: `must name another issued report; got "${supersedes}"` });
    }
    if (availability !== undefined && !(availabilities as readonly string[]).includes(availability)) {
      problems.push({
        field: 'availability',
        message: `must be one of ${availabilities.join(', ')}; got "${availability}"`,
      });
    }
    const results = report.results as DiamondGradingReportResults;
    const roughData = results.__typename === 'DiamondGradingReportResults' ? results.m2m_rough_data : null;
    if (roughData) {
      // The lab links a polished stone to the rough it received through the intake; copy what the producer declared.
      const rough = intake.records.get(roughData.rough_control_no);
      if (!rough) {
        problems.push({
          field: 'results.m2m_rough_data.rough_control_no',
          message: `names no rough record in the Mine-to-Market intake; got "${roughData.rough_control_no}"`,
        });
      } else {
        roughData.mine_company ??= rough.mine_company;
        roughData.mine_name ??= rough.mine_name;
        roughData.country_of_origin ??= rough.country_of_origin;
      }
    }
    if (problems.length > 0) {
      refuse(res, problems);
      return;
    }
    const options: { supersedes?: string; availability?: Availability } = {};
    if (supersedes !== undefined) options.supersedes = supersedes;
    if (availability !== undefined) options.availability = availability as Availability;
    const outcome = registry.issue(report, options);
    res
      .status(outcome === 'issued' ? 201 : 200)
      .json({ status: outcome, report_number: report.report_number });
  });

  router.get('/admin/reports/:number', (req, res) => {
    const stored = registry.reports.get(req.params.number);
    if (stored) res.json(stored);
    else res.status(404).json({ message: `no report ${req.params.number}` });
  });

  router.get('/admin/state', (_req, res) => {
    const plans = [...registry.plans.values()].map((plan) => ({
      plan: plan.id,
      quota: plan.quota,
      spent: plan.spent,
      remaining: Math.max(0, plan.quota - plan.spent),
      fetchedReports: plan.fetched.size,
      pendingChanges: plan.feed.size,
      feedReads: plan.feedCalls.reads,
      feedClears: plan.feedCalls.clears,
    }));
    res.json({
      quotaSpent: plans.reduce((sum, plan) => sum + plan.spent, 0),
      plans,
      reports: registry.reports.size,
      roughRecords: intake.records.size,
      writes: intake.writes.length,
    });
  });

  router.get('/admin/writes', (_req, res) => {
    res.json(intake.writes);
  });

  router.use(
    '/admin/reports',
    (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if ((error as { type?: string }).type === 'entity.parse.failed')
        refuse(res, [{ field: '(body)', message: 'is not valid JSON' }]);
      else next(error);
    },
  );
  return router;
}

function refuse(res: express.Response, problems: readonly ReportProblem[]): void {
  const first = problems[0]!;
  res.status(400).json({ message: `${first.field} ${first.message}`, problems });
}
