// The "Fields by platform" table of the lookup page: every canonical value as the trade reads it.
import { el, th } from './dom.js';
import { giaCarats, tradeWords } from './trade.js';
import * as vocabulary from './vocabulary.js';

/** The rows of the side-by-side table: canonical paths, as mismatches name them, and their labels. */
const FIELDS = [
  ['kind', 'Kind'],
  ['identifiers.tracrId', 'Tracr ID'],
  ['identifiers.giaReportNumber', 'GIA report number'],
  ['identifiers.inscription', 'Inscription'],
  ['polished.shape', 'Shape'],
  ['polished.caratWeight', 'Carat weight'],
  ['rough.caratWeight', 'Rough weight'],
  ['polished.color', 'Colour'],
  ['polished.clarity', 'Clarity'],
  ['polished.cut', 'Cut'],
  ['polished.polish', 'Polish'],
  ['polished.symmetry', 'Symmetry'],
  ['polished.fluorescence', 'Fluorescence'],
  ['polished.measurements', 'Measurements'],
  ['origin.country', 'Origin country'],
  ['origin.aggregated', 'Origin aggregated'],
  ['origin.mine', 'Mine'],
  ['origin.producer', 'Producer'],
  ['grading.reportNumber', 'Report number'],
  ['grading.reportDate', 'Report date'],
  ['owner.org', 'Owner'],
];

const valueAt = (record, path) => path.split('.').reduce((node, step) => node?.[step], record);

/**
 * A canonical value as the trade reads it, as nodes: graded values in words with their code on hover
 * ("Excellent", titled EX), and a polished weight held to the ledger's three decimals with GIA's printed
 * weight beside it. `platform` is where the value came from: GIA's own weight is already as GIA prints it.
 */
function showValue(path, value, platform) {
  if (value === undefined || value === null) return null;
  const graded = tradeWords(vocabulary, path, value);
  if (graded)
    return graded.words === graded.code
      ? [graded.words]
      : [Object.assign(el('abbr', '', graded.words), { title: graded.code })];
  if (path === 'polished.caratWeight' && typeof value === 'number') {
    if (platform === 'gia') return [`${giaCarats(value)} carat`];
    return [`${value.toFixed(3)} ct`, el('span', 'gia-carat', `GIA ${giaCarats(value)} carat`)];
  }
  if (path.endsWith('caratWeight')) return [`${value} ct`];
  if (path === 'polished.measurements')
    return [
      'minDiameterMm' in value
        ? `${value.minDiameterMm} – ${value.maxDiameterMm} × ${value.depthMm} mm`
        : `${value.lengthMm} × ${value.widthMm} × ${value.depthMm} mm`,
    ];
  return [typeof value === 'object' ? JSON.stringify(value) : String(value)];
}

/**
 * Fills the side-by-side table: one row per canonical field any platform holds, one column per platform
 * and the merged record, each mismatch flagged with its severity and authority. `name` names a platform.
 */
export function renderFields(table, answer, name) {
  const columns = Object.entries(answer.platforms).filter(([, platform]) => platform.record);
  if (answer.merged) columns.push(['merged', answer.merged]);
  table.closest('section').hidden = columns.length === 0;
  const headers = columns.map(([column]) => th('col', name(column)));
  table.tHead.replaceChildren(el('tr', '', th('col', 'Field'), ...headers));
  const extra = answer.mismatches.filter((m) => !FIELDS.some(([path]) => path === m.field));
  const rows = [...FIELDS, ...extra.map((m) => [m.field, m.field])].map(([path, label]) => {
    const mismatch = answer.mismatches.find((m) => m.field === path);
    const cells = columns.map(([column, { record }]) => {
      const source = column === 'merged' ? answer.merged.sources?.[path] : undefined;
      const shown = showValue(path, valueAt(record, path), source ?? column);
      const authoritative = mismatch?.authority === column;
      return el(
        'td',
        authoritative ? 'authoritative' : '',
        shown ? el('span', 'value', ...shown) : el('span', 'none', '—'),
        authoritative && el('span', 'note', ' (authoritative)'),
        shown && source && el('span', 'note', ` from ${name(source)}`),
      );
    });
    if (!mismatch)
      return cells.some((cell) => cell.querySelector('.value')) && el('tr', '', th('row', label), ...cells);
    const authority = mismatch.authority
      ? `${name(mismatch.authority)} is authoritative`
      : 'no platform is authoritative';
    const flag = el('span', 'flag', `⚠ Mismatch · ${mismatch.severity} · ${authority}`);
    const detail = mismatch.detail && el('span', 'note', mismatch.detail);
    return el('tr', 'mismatch', th('row', label, flag, detail), ...cells);
  });
  table.tBodies[0].replaceChildren(...rows.filter(Boolean));
}
