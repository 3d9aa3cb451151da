/* global document, window, sessionStorage, fetch, URLSearchParams, URL, history */
// The provenance lookup page. Stone data comes from other organisations' systems, so every value reaches
// the page through textContent and DOM nodes, never as markup.
import { el, th } from './dom.js';
import { renderFields } from './fields.js';

const KEY_STORAGE = 'tracebridge.apiKey';
const KINDS = { tracrId: 'Tracr ID', giaReportNumber: 'GIA report number', inscription: 'inscription' };
Object.assign(KINDS, { id: 'bridge ID' });
const PLATFORMS = { gia: 'GIA', tracr: 'Tracr', epcis: 'EPCIS', bridge: 'Bridge', merged: 'Merged' };
const STATUS_TEXT = { found: '✓ found', not_found: '– not found', error: '! error', timeout: '⏱ timeout' };
const STATUS_TONE = { found: 'ok', not_found: 'info', error: 'error', timeout: 'warn' };
const $ = (id) => document.getElementById(id);
const [form, identifierInput, kindSelect, keyInput] = ['lookup-form', 'identifier', 'kind', 'api-key'].map($);
const results = $('results');
let storage = null;
try {
  storage = sessionStorage;
} catch {
  // Storage is disabled here: the key then lives in the field only.
}
// Each search gets a number; the answers of an older search that arrive late are dropped.
let generation = 0;

const name = (platform) => PLATFORMS[platform] ?? platform;
const queryOf = (kind, value) => `?${new URLSearchParams({ [kind]: value })}`;
const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : noun.endsWith('h') ? 'es' : 's'}`;

function say(text, tone = 'info') {
  $('status').textContent = text;
  $('status').dataset.tone = tone;
}

/** Which lookup parameter an identifier is, judged by its format. */
function detectKind(value) {
  if (/^TRACR-[0-9A-F]{12}$/i.test(value)) return 'tracrId';
  if (/^[0-9]+$/.test(value)) return 'giaReportNumber';
  return value.startsWith('tb_') ? 'id' : 'inscription';
}

function chosenKind() {
  return kindSelect.value === 'auto' ? detectKind(identifierInput.value.trim()) : kindSelect.value;
}

function showChosenKind() {
  const how = kindSelect.value === 'auto' ? 'detected' : 'chosen';
  $('detected').textContent = identifierInput.value.trim()
    ? `Looking up by ${KINDS[chosenKind()]} (${how})`
    : 'Looking up by: nothing yet';
}

async function lookup(kind, value) {
  const failure = (status, message) => Object.assign(new Error(message), { status });
  let response;
  try {
    response = await fetch(`/v1/lookup${queryOf(kind, value)}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${keyInput.value.trim()}` },
    });
  } catch {
    throw failure(0, 'Could not reach the bridge: check the network connection and try again.');
  }
  const body = await response.json().catch(() => null);
  if (response.ok) return body;
  const detail = body?.detail ?? body?.title ?? response.statusText;
  const messages = {
    400: `The identifier was not accepted: ${detail}.`,
    401: `The API key was not accepted (${detail}). Enter a valid key.`,
    403: `This API key may not see that stone: ${detail}. Use a key with access, or ask an administrator.`,
    404: `Not found: ${detail}.`,
    429: `Too many requests: try again in ${response.headers.get('retry-after') ?? 'a few'} s.`,
  };
  const otherwise = `The bridge answered ${response.status}: ${detail}.`;
  throw failure(response.status, messages[response.status] ?? otherwise);
}

async function search(kind, value) {
  const current = ++generation;
  results.setAttribute('aria-busy', 'true');
  say(`Looking up ${KINDS[kind]} ${value}…`);
  try {
    const answer = await lookup(kind, value);
    if (current !== generation) return;
    renderPlatforms(answer);
    renderJourney(answer);
    renderFields($('fields'), answer, name);
    results.hidden = false;
    const found = Object.values(answer.platforms).filter((p) => p.status === 'found').length;
    const count = `Found on ${found} of ${Object.keys(answer.platforms).length} platforms`;
    const mismatches = answer.mismatches.length;
    if (answer.merged) say(`${count}; ${plural(mismatches, 'mismatch')}.`, mismatches ? 'warn' : 'ok');
    else say(`No platform and not the bridge holds a stone with ${KINDS[kind]} ${value}.`, 'warn');
    await renderLineage(answer, current);
  } catch (error) {
    if (current !== generation) return;
    results.hidden = true;
    say(error.message, 'error');
    if (error.status === 401 || error.status === 403) keyInput.focus();
  } finally {
    if (current === generation) results.setAttribute('aria-busy', 'false');
  }
}

function renderPlatforms(answer) {
  const items = Object.entries(answer.platforms).map(([platform, { status, latencyMs, error }]) => {
    const badge = el('span', 'badge', STATUS_TEXT[status] ?? status);
    badge.dataset.tone = STATUS_TONE[status];
    const latency = el('span', 'latency', `${Math.round(latencyMs)} ms`);
    const reason = error && el('span', 'reason', error);
    return el('li', 'platform', el('strong', '', name(platform)), badge, latency, reason);
  });
  $('platforms').replaceChildren(...items);
}

// Who acted: a transfer reads "seller → buyer", anything else names its actor.
const whoOf = (event) => (event.from && event.to ? [`${event.from} → ${event.to}`] : [event.actor]);

function renderJourney(answer) {
  const records = [...Object.values(answer.platforms).map((p) => p.record), answer.merged?.record];
  const seen = new Set();
  const steps = [];
  for (const event of records.flatMap((record) => record?.events ?? [])) {
    const time = Date.parse(event.at);
    const day = new Date(time).toISOString().slice(0, 10);
    if (seen.has([event.platform, event.type, time, event.ref].join())) continue;
    seen.add([event.platform, event.type, time, event.ref].join());
    // One act recorded on two platforms (a grading on the report and on the ledger) is one step.
    const same = steps.find(
      (s) => s.type === event.type && s.day === day && !s.platforms.includes(event.platform),
    );
    if (same) {
      same.platforms.push(event.platform);
      same.events.push(event);
      same.time = Math.min(same.time, time);
    } else steps.push({ type: event.type, day, time, platforms: [event.platform], events: [event] });
  }
  steps.sort((a, b) => a.time - b.time);
  const items = steps.map(({ type, time, platforms, events }) => {
    const at = el('time', '', `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    at.dateTime = new Date(time).toISOString();
    const tags = el('span', '', ...platforms.map((platform) => el('span', 'tag', name(platform))));
    const who = el('span', 'who', [...new Set(events.flatMap(whoOf).filter(Boolean))].join(' · '));
    return el('li', 'step', at, el('strong', 'event', type), tags, who);
  });
  $('journey').replaceChildren(...(items.length ? items : [el('li', '', 'No events recorded.')]));
}

// The bridge links relatives by bridge ID; the ledger names them by Tracr ID until the bridge links them.
const parentOf = ({ lineage, extensions }) =>
  lineage?.parentId
    ? ['id', lineage.parentId]
    : extensions?.tracr?.parentId && ['tracrId', extensions.tracr.parentId];
const childrenOf = ({ lineage, extensions }) =>
  lineage?.childIds?.length
    ? lineage.childIds.map((id) => ['id', id])
    : (extensions?.tracr?.childIds ?? []).map((id) => ['tracrId', id]);

async function relative([kind, value], answer) {
  const record = answer.merged.record;
  if (record.id === value || record.identifiers?.tracrId === value)
    return { kind, value, answer, self: true };
  return lookup(kind, value).then(
    (found) => ({ kind, value, answer: found }),
    (error) => ({ kind, value, failure: error.message }),
  );
}

async function renderLineage(answer, current) {
  const record = answer.merged?.record;
  const section = $('lineage').closest('section');
  section.hidden = !record || (!parentOf(record) && childrenOf(record).length === 0);
  if (section.hidden) return;
  $('mass-balance').textContent = 'Loading the related stones…';
  $('lineage').tBodies[0].replaceChildren();
  const self = record.id ? ['id', record.id] : ['tracrId', record.identifiers?.tracrId];
  const rough = await relative(parentOf(record) || self, answer);
  const roughRecord = rough.answer?.merged?.record;
  const relatives = roughRecord ? childrenOf(roughRecord) : [];
  const children = await Promise.all(relatives.map((child) => relative(child, answer)));
  if (current !== generation) return;
  const rows = [lineageRow('Rough', rough), ...children.map((child) => lineageRow('Cut from it', child))];
  $('lineage').tBodies[0].replaceChildren(...rows);
  $('mass-balance').replaceChildren(massBalance(roughRecord?.rough?.caratWeight, children));
}

function lineageRow(role, { kind, value, answer, self, failure }) {
  const record = answer?.merged?.record;
  // A plain link to this page's own address for the relative: it opens in a new tab as well as in this one.
  const link = Object.assign(el('a', '', value), { href: queryOf(kind, value) });
  const weights = [record?.rough?.caratWeight, record?.polished?.caratWeight].filter((w) => w !== undefined);
  const weight = weights.map((w) => `${w.toFixed(3)} ct`).join(' → ') || '—';
  const stone = el('td', '', link, self && el('span', 'note', ' (this stone)'));
  const kindOf = el('td', '', failure ?? record?.kind ?? 'unknown');
  return el('tr', '', th('row', role), stone, kindOf, el('td', '', weight));
}

// The children's weights as split from the rough (their rough weight), else as polished.
function massBalance(roughWeight, children) {
  const records = children.map(({ answer }) => answer?.merged?.record);
  const weights = records.map((r) => r?.rough?.caratWeight ?? r?.polished?.caratWeight);
  const known = weights.filter((w) => w !== undefined);
  const total = known.reduce((sum, w) => sum + w, 0);
  if (roughWeight === undefined || children.length === 0)
    return 'Mass balance cannot be checked: the rough or the stones cut from it are not known.';
  const unknown = weights.length - known.length;
  const missing = unknown ? ` (${plural(unknown, 'weight')} unknown)` : '';
  const summary = `${plural(known.length, 'stone')} cut from it weigh ${total.toFixed(3)} ct of the rough's ${roughWeight.toFixed(3)} ct${missing}.`;
  // Weights are kept to 3 decimals: more than half a thousandth over is real excess, not rounding.
  if (total > roughWeight + 0.0005) return el('span', 'flag', `⚠ Mass balance exceeded: the ${summary}`);
  return `✓ Mass balance holds: the ${summary}`;
}

// A stone the address names (`/?giaReportNumber=…`) while no key has been given: it is looked up as soon
// as one is.
let waitingForKey = null;

/** The stone the address names: its first lookup parameter with a value, or null. */
function linkedStone() {
  const [kind, value] = [...new URL(window.location.href).searchParams].find(([k]) => k in KINDS) ?? [];
  return kind && value.trim() ? { kind, value: value.trim() } : null;
}

/** Fills the form from the address and looks the stone up, or asks for the key it needs. */
function openLinkedStone() {
  const linked = linkedStone();
  waitingForKey = null;
  if (!linked) return;
  identifierInput.value = linked.value;
  // Keep detection on when the format already says the kind, so the next stone typed is judged afresh.
  kindSelect.value = detectKind(linked.value) === linked.kind ? 'auto' : linked.kind;
  showChosenKind();
  if (keyInput.value.trim()) {
    void search(linked.kind, linked.value);
    return;
  }
  waitingForKey = linked;
  say(`Enter an API key to look up ${KINDS[linked.kind]} ${linked.value}.`);
}

keyInput.addEventListener('input', () => storage?.setItem(KEY_STORAGE, keyInput.value.trim()));
// A committed key (Tab or Enter out of the field) runs the lookup the address asked for.
keyInput.addEventListener('change', () => {
  if (!waitingForKey || !keyInput.value.trim()) return;
  const { kind, value } = waitingForKey;
  waitingForKey = null;
  void search(kind, value);
});
identifierInput.addEventListener('input', showChosenKind);
kindSelect.addEventListener('change', showChosenKind);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = identifierInput.value.trim();
  const missing = !value ? identifierInput : !keyInput.value.trim() ? keyInput : null;
  if (missing) {
    say(missing === keyInput ? 'Enter an API key.' : 'Enter an identifier to look up.', 'error');
    missing.focus();
    return;
  }
  waitingForKey = null;
  // The address names the stone (never the key), so a lookup can be bookmarked and shared; a new stone is a
  // new history entry, so Back returns to the one before.
  const address = queryOf(chosenKind(), value);
  if (address === window.location.search) history.replaceState(null, '', address);
  else history.pushState(null, '', address);
  void search(chosenKind(), value);
});
// Back and Forward between looked-up stones show each stone again.
window.addEventListener('popstate', openLinkedStone);

keyInput.value = storage?.getItem(KEY_STORAGE) ?? '';
showChosenKind();
openLinkedStone();
