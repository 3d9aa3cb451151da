/** Reconciliation: mismatch rules with the trade's tolerances, matching, lineage checks, runs, reports, corrections. */
export {
  applyCorrections,
  type AppliedCorrection,
  type ApplyOptions,
  type ApplyResult,
  type SkippedCorrection,
  type SkipReason,
} from './apply.js';
export { applyRunCorrections, type ApplySelection, type RunApplyResult } from './apply-run.js';
export { authorityFromAdapters, fieldGroupOf, writersOf, type AuthorityOf } from '../match/authority.js';
export { checkLineage, findUnmatched, lineageRelatives } from './lineage-checks.js';
export {
  createReconcileWorker,
  enqueueRun,
  reconcileProcessor,
  type ReconcileWorkerOptions,
} from './run-jobs.js';
export {
  identifierCandidates,
  linkOrPropose,
  type LinkDecision,
  type LinkOrProposeOptions,
  type UnlinkedRecord,
} from './linking.js';
export {
  gradeMatch,
  matchThresholds,
  rankMatches,
  type MatchGrade,
  type MatchResult,
} from '../match/matching.js';
export {
  confirmProposal,
  createProposal,
  getProposal,
  listProposals,
  proposalIdFor,
  rejectProposal,
  type MatchProposal,
  type ProposalInput,
  type ProposalOutcome,
} from '../store/match-proposals.js';
export {
  reportSourceFrom,
  runReportSource,
  writeCsvReport,
  writeHtmlReport,
  writeJsonReport,
  writeReport,
  type ReportFormat,
  type ReportSource,
} from './report.js';
export { refreshMirrors, type PlatformClients, type RefreshOptions, type RefreshOutcome } from './refresh.js';
export { displayValue } from '../match/display-value.js';
export { csvCell, escapeHtml } from './report-format.js';
export { evaluatePage, type PageContext, type PageFindings } from './run-page.js';
export {
  AGGREGATED_ORIGIN,
  fieldRules,
  findMismatches,
  readPath,
  type FieldRule,
  type MismatchOptions,
} from '../match/rules.js';
export { executeRun, platformsInPlay, reconcileAll, type ExecuteRunOptions } from './execute-run.js';
export {
  getRun,
  maxRunIds,
  runMismatches,
  runUnmatched,
  startRun,
  type RunCounts,
  type RunProgress,
  type RunReport,
  type RunScope,
  type RunStatus,
} from '../store/reconcile-runs.js';
export * from '../match/tolerance.js';
export * from '../match/types.js';
