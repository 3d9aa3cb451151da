/**
 * The API reference page: the OpenAPI document rendered to HTML on the server. Self-contained (no CDN, no
 * script), so it works offline and under the strict Content-Security-Policy the app sends.
 */

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string }>;
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<
    string,
    { description: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
  'x-roles'?: string[];
}

/** The reference page for `document`. */
export function docsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string; description?: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const schemas = (document.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => renderOperation(method, path, operation)),
  );
  const schemaBlocks = Object.entries(schemas).map(
    ([name, schema]) =>
      `<details id="schema-${escape(name)}"><summary>${escape(name)}</summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.6rem}section{border-top:1px solid #dde;padding:.8rem 0}
.m{display:inline-block;min-width:3.5rem;font:600 .8rem monospace;text-transform:uppercase;padding:.1rem .4rem;border-radius:3px;background:#e8eefc}
.post{background:#e5f6ea}code,pre{font:.85rem ui-monospace,monospace}pre{background:#f6f7f9;padding:.6rem;overflow:auto}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}.roles{color:#667;font-size:.85rem}
</style></head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${escape(info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${operations.join('\n')}
<h2>Schemas</h2>
${schemaBlocks.join('\n')}
</body></html>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const roles = operation['x-roles'];
  const parameters = (operation.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}${p.required ? ', required' : ''}</td><td>${escape(p.description ?? '')}</td></tr>`,
  );
  const body = Object.values(operation.requestBody?.content ?? {})[0]?.schema?.$ref;
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const ref = Object.values(response.content ?? {})[0]?.schema?.$ref;
    return `<tr><td>${escape(status)}</td><td>${escape(response.description)}</td><td>${ref ? schemaLink(ref) : ''}</td></tr>`;
  });
  return `<section><h3><span class="m ${escape(method)}">${escape(method)}</span> <code>${escape(path)}</code></h3>
<p>${escape(operation.summary ?? '')}</p>${operation.description ? `<p>${escape(operation.description)}</p>` : ''}
<p class="roles">${roles ? `API key roles: ${roles.map(escape).join(', ')}` : 'No API key needed.'}</p>
${parameters.length > 0 ? `<table><tr><th>parameter</th><th>in</th><th></th></tr>${parameters.join('')}</table>` : ''}
${body ? `<p>Request body: ${schemaLink(body)}</p>` : ''}
<table><tr><th>status</th><th></th><th>body</th></tr>${responses.join('')}</table></section>`;
}

function schemaLink(ref: string): string {
  const name = ref.split('/').at(-1) ?? ref;
  return `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
