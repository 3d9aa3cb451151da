/* global document, window, sessionStorage, fetch, URL, TextEncoder, btoa, setTimeout */
// The producer's page: the import here, the platforms and the disagreements in platforms.js. Row values
// come from the producer's own file, and reasons from the bridge; both reach the page through textContent
// and DOM nodes, never as markup. The API key stays in this tab (sessionStorage) and travels only in the
// Authorization header, never in a URL.

import { problemOf, startPlatforms } from './platforms.js';

const KEY_STORAGE = 'tracebridge.apiKey';
const PAGE = 100;

const $ = (id) => document.getElementById(id);
const [form, keyInput, fileInput, columnsInput, drop, status] = [
  'import-form',
  'api-key',
  'file',
  'columns',
  'drop',
  'status',
].map($);
let storage = null;
try {
  storage = sessionStorage;
} catch {
  // Storage is disabled here: the key then lives in the field only.
}
keyInput.value = storage?.getItem(KEY_STORAGE) ?? '';
/** A file dropped on the box, used in place of the file input's. */
let dropped = null;
/** The import being shown, and how many of its errors are on the page. */
let current = null;
let shown = 0;

const say = (text) => {
  status.textContent = text;
};

function authorization() {
  const key = keyInput.value.trim();
  if (key === '') return null;
  storage?.setItem(KEY_STORAGE, key);
  return { authorization: `Bearer ${key}` };
}

startPlatforms(() => {
  const headers = authorization();
  if (!headers) {
    say('Enter your API key first.');
    keyInput.focus();
  }
  return headers;
});

function formatOf(file) {
  if (/\.(ndjson|jsonl)$/i.test(file.name) || file.type === 'application/x-ndjson')
    return 'application/x-ndjson';
  return 'text/csv';
}

async function columnsHeader() {
  const file = columnsInput.files?.[0];
  if (!file) return {};
  const text = await file.text();
  JSON.parse(text); // a column map that is not JSON is refused here, before the file is sent
  const bytes = new TextEncoder().encode(text);
  const base64 = btoa(String.fromCharCode(...bytes));
  return { 'tracebridge-columns': base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const headers = authorization();
  if (!headers) {
    say('Enter your API key first.');
    keyInput.focus();
    return;
  }
  const file = dropped ?? fileInput.files?.[0];
  if (!file) {
    say('Choose a file to import, or drop one on the box.');
    fileInput.focus();
    return;
  }
  let columns;
  try {
    columns = await columnsHeader();
  } catch {
    say('The column map is not JSON.');
    columnsInput.focus();
    return;
  }
  say(`Sending ${file.name}…`);
  let response;
  try {
    response = await fetch('/v1/imports', {
      method: 'POST',
      headers: { ...headers, ...columns, 'content-type': formatOf(file) },
      body: file,
    });
  } catch {
    say('The bridge cannot be reached.');
    return;
  }
  if (response.status === 401) {
    say('The API key was refused. Enter a valid key.');
    keyInput.focus();
    return;
  }
  if (response.status !== 202) {
    say(`${file.name} was refused: ${await problemOf(response)}`);
    return;
  }
  const { id } = await response.json();
  current = { id, name: file.name, format: formatOf(file) === 'text/csv' ? 'csv' : 'ndjson' };
  shown = 0;
  $('refused').tBodies[0].replaceChildren();
  $('refused-section').hidden = true;
  $('progress-section').hidden = false;
  await follow(current, headers);
});

async function follow(importing, headers) {
  for (;;) {
    if (current !== importing) return; // another import started meanwhile
    let body;
    try {
      const response = await fetch(`/v1/imports/${importing.id}?limit=1`, { headers });
      if (!response.ok) throw new Error(await problemOf(response));
      body = await response.json();
    } catch (error) {
      say(`Cannot follow the import: ${error.message}`);
      return;
    }
    show(importing, body);
    if (body.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await moreErrors(importing, headers);
}

function show(importing, body) {
  const { bytes, totalBytes } = body.progress;
  $('progress').value = totalBytes === 0 ? 100 : Math.floor((bytes / totalBytes) * 100);
  for (const name of ['read', 'registered', 'unchanged', 'refused'])
    $(`count-${name}`).textContent = String(body.rows[name]);
  if (body.status === 'running') say(`Importing ${importing.name}: ${body.rows.read} rows read…`);
  else if (body.status === 'failed')
    say(`The import of ${importing.name} stopped: ${body.error ?? 'no reason given'}`);
  else
    say(
      `Import of ${importing.name} done: ${body.rows.registered} registered, ${body.rows.unchanged} unchanged, ${body.rows.refused} refused.`,
    );
  $('refused-section').hidden = body.rows.refused === 0;
  $('more').hidden = shown >= body.rows.refused;
}

async function moreErrors(importing, headers) {
  const response = await fetch(`/v1/imports/${importing.id}?offset=${shown}&limit=${PAGE}`, { headers });
  if (!response.ok || current !== importing) return;
  const body = await response.json();
  const rows = body.errors.map((error) => {
    const tr = document.createElement('tr');
    for (const text of [String(error.line), error.column ?? '', error.value ?? '', error.message]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('refused').tBodies[0].append(...rows);
  shown += body.errors.length;
  $('more').hidden = body.errors.length < PAGE;
}

$('more').addEventListener('click', () => {
  const headers = authorization();
  if (current && headers) void moreErrors(current, headers);
});

$('download').addEventListener('click', async () => {
  const headers = authorization();
  if (!current || !headers) return;
  const response = await fetch(`/v1/imports/${current.id}/refused.${current.format}`, { headers });
  if (!response.ok) {
    say(`The refused rows cannot be downloaded: ${await problemOf(response)}`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: `refused-${current.name}` });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

// Drag and drop: the box takes a file; the file input stays for keyboard users.
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer?.files?.[0];
  if (!file) return;
  dropped = file;
  $('file-hint').textContent = `Ready to import ${file.name} (dropped).`;
});
fileInput.addEventListener('change', () => {
  dropped = null;
  const file = fileInput.files?.[0];
  $('file-hint').textContent = file
    ? `Ready to import ${file.name}.`
    : 'Choose a file, or drop one on this box.';
});
