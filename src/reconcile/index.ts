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
export { authorityFromAdapters, fieldGroupOf, writersOf, type AuthorityOf } from './authority.js';
export { checkLineage, findUnmatched, lineageRelatives } from './lineage.js';
export {
  createReconcileWorker,
  enqueueRun,
  reconcileProcessor,
  type ReconcileWorkerOptions,
} from './jobs.js';
export {
  identifierCandidates,
  linkOrPropose,
  type LinkDecision,
  type LinkOrProposeOptions,
  type UnlinkedRecord,
} from './linking.js';
export { gradeMatch, matchThresholds, rankMatches, type MatchGrade, type MatchResult } from './matching.js';
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
} from './proposals.js';
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
export { csvCell, displayValue, escapeHtml } from './report-format.js';
export { evaluatePage, type PageContext, type PageFindings } from './run-page.js';
export {
  AGGREGATED_ORIGIN,
  fieldRules,
  findMismatches,
  readPath,
  type FieldRule,
  type MismatchOptions,
} from './rules.js';
export {
  executeRun,
  getRun,
  maxRunIds,
  platformsInPlay,
  reconcileAll,
  runMismatches,
  runUnmatched,
  startRun,
  type ExecuteRunOptions,
  type RunCounts,
  type RunProgress,
  type RunReport,
  type RunScope,
  type RunStatus,
} from './runs.js';
export * from './tolerance.js';
export * from './types.js';
