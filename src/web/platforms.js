/* global document, fetch, setTimeout, URLSearchParams */
// The producer's page, the platforms part: where the organisation's stones stand on each platform, the
// stones in one status with the reason, a retry for failed syncs, and, for a compliance user, the records
// that disagree with "apply". Every value reaches the page as text through el(), never as markup.
import { el } from './dom.js';

const STONE_PAGE = 50;
const MISMATCH_PAGE = 100;
const STATUS_WORDS = {
  in_sync: 'Synced',
  pending: 'Waiting',
  failed: 'Failed',
  not_permitted: 'Not permitted',
  not_synced: 'Not sent',
};
const COUNT_ORDER = ['in_sync', 'pending', 'failed', 'not_permitted', 'not_synced'];

const $ = (id) => document.getElementById(id);

/** The answer's problem detail, or its status text. */
export async function problemOf(response) {
  try {
    const body = await response.json();
    return body.detail ?? response.statusText;
  } catch {
    return response.statusText;
  }
}

/** A table's region (the scrolling box around it), shown once it has rows. */
const region = (table) => table.closest('[role="region"]');

/**
 * Wires the platforms and disagreements sections. `authorization()` answers the Authorization header from
 * the key field, or null (asking for the key) when there is none.
 */
export function startPlatforms(authorization) {
  const platformsSay = (text) => ($('platforms-status').textContent = text);
  const mismatchesSay = (text) => ($('mismatches-status').textContent = text);
  /** The listing shown: its filter and the cursor of its next page. */
  let listing = null;
  /** The reconciliation run shown, and how many of its disagreements are on the page. */
  let run = null;

  async function call(path, init = {}, say = platformsSay) {
    const headers = authorization();
    if (!headers) return null;
    let response;
    try {
      response = await fetch(path, { ...init, headers: { ...headers, ...init.headers } });
    } catch {
      say('The bridge cannot be reached.');
      return null;
    }
    if (response.status === 401) {
      say('The API key was refused. Enter a valid key.');
      $('api-key').focus();
      return null;
    }
    if (response.status === 403) {
      say('Your key may not do this: ask a compliance user of your organisation.');
      return null;
    }
    if (!response.ok) {
      say(`The bridge refused: ${await problemOf(response)}`);
      return null;
    }
    return response.json();
  }

  async function showSummary() {
    platformsSay('Counting your stones…');
    const summary = await call('/v1/sync/summary');
    if (!summary) return;
    const platforms = Object.keys(summary.platforms).sort();
    $('platforms').tBodies[0].replaceChildren(
      ...platforms.map((platform) =>
        el(
          'tr',
          '',
          Object.assign(el('th', '', platform), { scope: 'row' }),
          ...COUNT_ORDER.map((status) => el('td', 'count', String(summary.platforms[platform][status]))),
        ),
      ),
    );
    region($('platforms')).hidden = platforms.length === 0;
    const select = $('stones-platform');
    const chosen = select.value;
    select.replaceChildren(
      el('option', '', 'Every platform'),
      ...platforms.map((platform) => Object.assign(el('option', '', platform), { value: platform })),
    );
    select.options[0].value = '';
    select.value = platforms.includes(chosen) ? chosen : '';
    platformsSay(summary.stones === 1 ? 'You hold 1 stone.' : `You hold ${summary.stones} stones.`);
  }

  async function listStones(more) {
    if (!more) {
      listing = { platform: $('stones-platform').value, status: $('stones-status').value, cursor: null };
      $('stones').tBodies[0].replaceChildren();
    }
    const query = new URLSearchParams({ status: listing.status, limit: String(STONE_PAGE) });
    if (listing.platform) query.set('platform', listing.platform);
    if (listing.cursor) query.set('cursor', listing.cursor);
    const shown = listing;
    const page = await call(`/v1/sync/stones?${query}`);
    if (!page || listing !== shown) return;
    const rows = page.stones.flatMap((stone) =>
      Object.entries(stone.sync).map(([platform, entry]) => stoneRow(stone, platform, entry)),
    );
    $('stones').tBodies[0].append(...rows);
    listing.cursor = page.cursor;
    const count = $('stones').tBodies[0].rows.length;
    region($('stones')).hidden = count === 0;
    $('more-stones').hidden = page.cursor === null;
    platformsSay(
      count === 0 && page.cursor === null
        ? `None of your stones is ${STATUS_WORDS[listing.status].toLowerCase()}${listing.platform ? ` on ${listing.platform}` : ''}.`
        : `${count} shown${page.cursor === null ? '' : '; more to show'}.`,
    );
  }

  function stoneRow(stone, platform, entry) {
    const action = el('td', '');
    if (entry.status === 'failed' && entry.job) {
      const retry = el('button', '', 'Retry');
      retry.type = 'button';
      retry.setAttribute('aria-label', `Retry the sync of ${stone.producerRef ?? stone.id} to ${platform}`);
      retry.addEventListener('click', async () => {
        retry.disabled = true;
        const job = await call(`/v1/jobs/${encodeURIComponent(entry.job)}/retry`, { method: 'POST' });
        if (job) {
          platformsSay(`The sync of ${stone.producerRef ?? stone.id} to ${platform} is queued again.`);
          retry.replaceWith('Queued again');
        } else retry.disabled = false;
      });
      action.append(retry);
    }
    return el(
      'tr',
      '',
      el('td', 'mono', stone.id),
      el('td', '', stone.producerRef ?? stone.roughControlNumber ?? ''),
      el('td', '', platform),
      el('td', '', STATUS_WORDS[entry.status] ?? entry.status),
      el('td', 'reason', entry.reason ?? ''),
      action,
    );
  }

  async function retryAll() {
    const body = { state: 'failed' };
    if ($('stones-platform').value) body.platform = $('stones-platform').value;
    const outcome = await call('/v1/jobs/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!outcome) return;
    platformsSay(`${outcome.retried ?? 0} failed syncs queued again.`);
  }

  async function compare() {
    mismatchesSay('Comparing every platform with the bridge…');
    const started = await call(
      '/v1/reconcile',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      },
      mismatchesSay,
    );
    if (!started) return;
    run = { id: started.runId, shown: 0 };
    $('mismatches').tBodies[0].replaceChildren();
    await followRun(run);
  }

  async function followRun(following) {
    for (;;) {
      if (run !== following) return;
      const body = await call(`/v1/reconcile/${following.id}?limit=1`, {}, mismatchesSay);
      if (!body) return;
      if (body.status === 'failed') {
        mismatchesSay(`The comparison stopped: ${body.error ?? 'no reason given'}`);
        return;
      }
      if (body.status === 'done') break;
      mismatchesSay(`Comparing: ${body.progress.done ?? 0} of ${body.progress.total ?? '?'} stones…`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await moreMismatches(following);
  }

  async function moreMismatches(following) {
    const body = await call(
      `/v1/reconcile/${following.id}?offset=${following.shown}&limit=${MISMATCH_PAGE}`,
      {},
      mismatchesSay,
    );
    if (!body || run !== following) return;
    $('mismatches').tBodies[0].append(...body.mismatches.map((mismatch) => mismatchRow(following, mismatch)));
    following.shown += body.mismatches.length;
    const count = $('mismatches').tBodies[0].rows.length;
    region($('mismatches')).hidden = count === 0;
    $('more-mismatches').hidden = body.mismatches.length < MISMATCH_PAGE;
    mismatchesSay(count === 0 ? 'Every platform agrees with the bridge.' : `${count} disagreements shown.`);
  }

  function mismatchRow(following, mismatch) {
    const values = el(
      'td',
      'values',
      ...Object.entries(mismatch.values).map(([platform, value]) =>
        el('div', '', el('span', 'platform', `${platform}: `), printValue(value)),
      ),
    );
    const action = el('td', '');
    if (mismatch.diamondId && mismatch.authority) {
      const apply = el('button', '', 'Apply');
      apply.type = 'button';
      apply.setAttribute(
        'aria-label',
        `Take ${mismatch.authority}'s ${mismatch.field} for stone ${mismatch.diamondId}`,
      );
      apply.addEventListener('click', async () => {
        apply.disabled = true;
        const result = await call(
          `/v1/reconcile/${following.id}/apply`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ids: [mismatch.diamondId], fields: [mismatch.field] }),
          },
          mismatchesSay,
        );
        if (!result) {
          apply.disabled = false;
          return;
        }
        const applied = result.applied.length > 0;
        apply.replaceWith(applied ? 'Applied' : 'Left alone');
        mismatchesSay(
          applied
            ? `${mismatch.field} of ${mismatch.diamondId} now reads as ${mismatch.authority} holds it; the platforms are being updated.`
            : `${mismatch.field} of ${mismatch.diamondId} was left alone: ${result.skipped[0]?.detail ?? 'nothing to apply'}`,
        );
      });
      action.append(apply);
    }
    return el(
      'tr',
      '',
      el('td', 'mono', mismatch.diamondId ?? 'not held by the bridge'),
      el('td', 'mono', mismatch.field),
      el('td', '', mismatch.severity),
      el('td', '', mismatch.authority ?? 'none'),
      values,
      action,
    );
  }

  $('platforms-refresh').addEventListener('click', () => void showSummary());
  $('stones-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    void listStones(false);
  });
  $('more-stones').addEventListener('click', () => void listStones(true));
  $('retry-all').addEventListener('click', () => void retryAll());
  $('compare').addEventListener('click', () => void compare());
  $('more-mismatches').addEventListener('click', () => {
    if (run) void moreMismatches(run);
  });
}

/** A platform's value as a person reads it: text as it is, anything else as compact JSON. */
function printValue(value) {
  if (value === null || value === undefined) return 'absent';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
