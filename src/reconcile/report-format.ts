import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { displayValue } from '../match/display-value.js';

/** Cell and text encodings for the report writers, and a write that respects back-pressure. */

/** Writes a chunk, waiting for `drain` when the stream's buffer is full, so memory stays bounded. */
export async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

// Cells a spreadsheet would run as a formula (OWASP's list: = + - @, tab and carriage return).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote or a line break (quotes doubled), and
 * prefixed with an apostrophe when it starts like a formula, so a value a platform sent cannot run in
 * the spreadsheet of whoever opens the report.
 */
export function csvCell(value: unknown): string {
  let text = displayValue(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF terminator. */
export function csvRow(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** The self-contained page's style: no external assets, readable in print and at 200% zoom. */
export const reportStyle = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #b8b8b8; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; }
tbody th { font-weight: normal; font-family: ui-monospace, monospace; }
.authority { font-weight: 700; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
`;
