import type { Writable } from 'node:stream';
import type { Store } from '../store/index.js';
import { displayValue } from '../match/display-value.js';
import { csvRow, escapeHtml, reportStyle, write } from './report-format.js';
import { runHeader, runMismatches, runUnmatched, type RunReport } from '../store/reconcile-runs.js';
import { severities, type Mismatch, type Severity, type Unmatched } from '../match/types.js';

/**
 * A run's report as JSON, CSV or a self-contained HTML page, written to a stream item by item so a run
 * with 100,000 mismatches never becomes one string in memory.
 */

/** The formats a report is written in. */
export type ReportFormat = 'json' | 'csv' | 'html';

/** Everything a report writer reads: the run's header and its findings, iterable more than once. */
export interface ReportSource {
  header: Omit<RunReport, 'mismatches' | 'unmatched'>;
  mismatches: () => AsyncIterable<Mismatch>;
  unmatched: () => AsyncIterable<Unmatched>;
}

/** A stored run as a report source, streaming its findings from Redis; null for an unknown run. */
export async function runReportSource(store: Store, runId: string): Promise<ReportSource | null> {
  const report = runHeader(runId, await store.redis.hgetall(store.keys.reconcileRun(runId)));
  if (report === null) return null;
  const { mismatches: _m, unmatched: _u, ...header } = report;
  return {
    header,
    mismatches: () => runMismatches(store, runId),
    unmatched: () => runUnmatched(store, runId),
  };
}

/** A report already in memory (a lookup's mismatches, a run page) as a report source. */
export function reportSourceFrom(report: RunReport): ReportSource {
  const { mismatches, unmatched, ...header } = report;
  return { header, mismatches: () => iterate(mismatches), unmatched: () => iterate(unmatched) };
}

/** Writes the report in `format`. */
export async function writeReport(out: Writable, source: ReportSource, format: ReportFormat): Promise<void> {
  if (format === 'json') return writeJsonReport(out, source);
  if (format === 'csv') return writeCsvReport(out, source);
  return writeHtmlReport(out, source);
}

/** The report as one JSON object, in the shape `GET /v1/reconcile/:runId` answers. */
export async function writeJsonReport(
  out: Writable,
  { header, mismatches, unmatched }: ReportSource,
): Promise<void> {
  const { runId, status, progress, ...rest } = header;
  await write(
    out,
    `{"runId":${JSON.stringify(runId)},"status":${JSON.stringify(status)},"progress":${JSON.stringify(progress)}`,
  );
  for (const [name, value] of Object.entries(rest))
    await write(out, `,${JSON.stringify(name)}:${JSON.stringify(value)}`);
  for (const [name, items] of [
    ['mismatches', mismatches()],
    ['unmatched', unmatched()],
  ] as const) {
    await write(out, `,${JSON.stringify(name)}:[`);
    let first = true;
    for await (const item of items) {
      await write(out, `${first ? '' : ','}${JSON.stringify(item)}`);
      first = false;
    }
    await write(out, ']');
  }
  await write(out, '}\n');
}

/**
 * One row per mismatch: diamondId, field, severity, authority, rule, then one column per platform, then
 * the detail. Unmatched stones are not mismatches and are left to the JSON and HTML reports.
 */
export async function writeCsvReport(out: Writable, { header, mismatches }: ReportSource): Promise<void> {
  const platforms = header.platforms;
  await write(out, csvRow(['diamondId', 'field', 'severity', 'authority', 'rule', ...platforms, 'detail']));
  for await (const mismatch of mismatches()) {
    await write(
      out,
      csvRow([
        mismatch.diamondId,
        mismatch.field,
        mismatch.severity,
        mismatch.authority ?? '',
        mismatch.rule,
        ...platforms.map((platform) => mismatch.values[platform]),
        mismatch.detail ?? '',
      ]),
    );
  }
}

/** A readable page: a summary, one table per severity, then the unmatched stones. No external assets. */
export async function writeHtmlReport(
  out: Writable,
  { header, mismatches, unmatched }: ReportSource,
): Promise<void> {
  const runId = escapeHtml(header.runId);
  await write(
    out,
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>Reconciliation ${runId}</title>\n<style>${reportStyle}</style>\n</head>\n<body>\n<main>\n` +
      `<h1>Reconciliation run <code>${runId}</code></h1>\n<dl>\n` +
      summaryItem('Status', header.status) +
      summaryItem('Stones checked', `${header.progress.done} of ${header.progress.total}`) +
      summaryItem('Mismatches', String(header.counts.mismatches)) +
      summaryItem('Unmatched stones', String(header.counts.unmatched)) +
      summaryItem('Started', `${header.startedAt} by ${header.actor}`) +
      (header.finishedAt ? summaryItem('Finished', header.finishedAt) : '') +
      (header.error ? summaryItem('Error', header.error) : '') +
      `</dl>\n`,
  );
  for (const severity of severities) await writeSeverityTable(out, header, severity, mismatches());
  await write(out, `<section>\n<h2>Unmatched stones</h2>\n`);
  let rows = 0;
  for await (const entry of unmatched()) {
    if (rows === 0) {
      await write(
        out,
        `<table>\n<caption>Stones not held by every platform</caption>\n<thead><tr>` +
          `<th scope="col">Diamond</th><th scope="col">Platform</th><th scope="col">Reference</th>` +
          `<th scope="col">Reason</th></tr></thead>\n<tbody>\n`,
      );
    }
    rows += 1;
    await write(
      out,
      `<tr><th scope="row">${escapeHtml(entry.diamondId ?? '')}</th><td>${escapeHtml(entry.platform)}</td>` +
        `<td>${escapeHtml(entry.ref ?? '')}</td><td>${escapeHtml(entry.reason)}</td></tr>\n`,
    );
  }
  await write(
    out,
    rows === 0
      ? `<p>Every stone is held where expected.</p>\n</section>\n`
      : `</tbody>\n</table>\n</section>\n`,
  );
  await write(out, `</main>\n</body>\n</html>\n`);
}

// One pass over the findings per severity keeps memory flat; the run list is read three times instead.
async function writeSeverityTable(
  out: Writable,
  header: ReportSource['header'],
  severity: Severity,
  mismatches: AsyncIterable<Mismatch>,
): Promise<void> {
  const title = `${severity.charAt(0).toUpperCase()}${severity.slice(1)}`;
  const count = header.counts.bySeverity[severity];
  await write(out, `<section>\n<h2>${title} mismatches (${count})</h2>\n`);
  if (count === 0) {
    await write(out, `<p>No ${severity} mismatches.</p>\n</section>\n`);
    return;
  }
  const columns = header.platforms.map((p) => `<th scope="col">${escapeHtml(p)}</th>`).join('');
  await write(
    out,
    `<table>\n<caption>${title} mismatches: ${count}. The authoritative platform's value is in bold.</caption>\n` +
      `<thead><tr><th scope="col">Diamond</th><th scope="col">Field</th><th scope="col">Authority</th>` +
      `${columns}<th scope="col">Detail</th></tr></thead>\n<tbody>\n`,
  );
  for await (const mismatch of mismatches) {
    if (mismatch.severity !== severity) continue;
    const cells = header.platforms
      .map((platform) => {
        const text = escapeHtml(displayValue(mismatch.values[platform]));
        return platform === mismatch.authority ? `<td class="authority">${text}</td>` : `<td>${text}</td>`;
      })
      .join('');
    await write(
      out,
      `<tr><th scope="row">${escapeHtml(mismatch.diamondId)}</th><td>${escapeHtml(mismatch.field)}</td>` +
        `<td>${escapeHtml(mismatch.authority ?? 'none')}</td>${cells}<td>${escapeHtml(mismatch.detail ?? '')}</td></tr>\n`,
    );
  }
  await write(out, `</tbody>\n</table>\n</section>\n`);
}

function summaryItem(term: string, description: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(description)}</dd>\n`;
}

// eslint-disable-next-line @typescript-eslint/require-await
async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
