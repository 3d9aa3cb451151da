import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { printColor, printFluorescence } from '../mapping/index.js';
import type { Fluorescence, PolishedColor } from '../types/diamond.js';

/** Cell and text encodings for the report writers, and a write that respects back-pressure. */

/** Writes a chunk, waiting for `drain` when the stream's buffer is full, so memory stays bounded. */
export async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** A value as a person reads it: colour grades and fluorescence as GIA prints them, measurements in mm. */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  const object = value as Record<string, unknown>;
  try {
    if (object.scale === 'DZ' || object.scale === 'fancy')
      return printColor(object as unknown as PolishedColor);
    if (typeof object.intensity === 'string') return printFluorescence(object as unknown as Fluorescence);
  } catch {
    // A value a platform got wrong still shows, as JSON below.
  }
  if (typeof object.minDiameterMm === 'number')
    return `${String(object.minDiameterMm)} - ${String(object.maxDiameterMm)} x ${String(object.depthMm)} mm`;
  if (typeof object.lengthMm === 'number')
    return `${String(object.lengthMm)} x ${String(object.widthMm)} x ${String(object.depthMm)} mm`;
  return JSON.stringify(value);
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
