import { ColumnMapError } from '../../import/columns.js';
import { enqueueImport } from '../../import/import-jobs.js';
import {
  checkDeclaredLength,
  DEFAULT_IMPORT_MAX_BYTES,
  spoolUpload,
  UploadRefused,
} from '../../import/upload.js';
import type { ImportState } from '../../store/index.js';
import type { Principal } from '../auth.js';
import { ApiProblem } from '../problem.js';
import type { ApiServices } from '../services.js';
import { requireQueues } from './diamonds.js';
import { pageParams, pathParam } from './params.js';
import { defineRoute, type RouteDefinition, type RouteResult } from './types.js';

const importIdPattern = /^im_[0-9A-Za-z_-]{6,64}$/;

const importIdParam = pathParam('id', 'The import ID (im_...).', importIdPattern);

/** The request header carrying a CSV column map: base64url of its JSON. */
export const COLUMNS_HEADER = 'tracebridge-columns';

const formats: Record<string, 'csv' | 'ndjson'> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};

/** `POST /v1/imports`: receives a CSV or NDJSON file whole, then queues its import; 202 with its ID. */
export const startImport = defineRoute({
  method: 'post',
  path: '/v1/imports',
  operationId: 'startImport',
  summary: 'Import stones in bulk from a CSV or NDJSON file',
  description:
    'The file streams into the bridge and is imported by a worker, row by row, through the same path as POST /v1/diamonds; poll GET /v1/imports/{id}. A row is found again by the organisation\'s identifiers.producerRef or identifiers.roughControlNumber, so importing a file again changes only what changed. A CSV header names canonical paths (rough.caratWeight) or columns of a column map sent as base64url JSON in the Tracebridge-Columns header ({"Wt (g)": {"path": "rough.caratWeight", "unit": "g"}}); a header naming an unknown column is refused before the file is read. A file over TRACEBRIDGE_IMPORT_MAX_BYTES is refused with 413 and nothing is kept.',
  tag: 'imports',
  access: ['admin', 'producer'],
  streamedBody: {
    contentTypes: Object.keys(formats),
    description: 'A CSV file (RFC 4180, header row, UTF-8) or NDJSON (one canonical record per line).',
  },
  responses: {
    202: { description: 'The file is received; the import is queued.', schema: 'import-started' },
    400: { description: 'The header or the column map cannot be used.', schema: 'problem' },
    413: { description: 'The file is over the configured limit; nothing is kept.', schema: 'problem' },
    415: { description: 'Neither CSV nor NDJSON.', schema: 'problem' },
    503: { description: 'The queues are not running.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const queues = requireQueues(services);
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = formats[type];
    if (format === undefined) {
      throw new ApiProblem(
        'unsupported-media-type',
        `Content-Type ${JSON.stringify(type)} is not an import format; send text/csv or application/x-ndjson`,
      );
    }
    const caller = principal as Principal;
    const maxBytes = services.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
    let id: string;
    try {
      checkDeclaredLength(req.get('content-length'), maxBytes);
      id = await spoolUpload(services.store, req, {
        format,
        maxBytes,
        actor: `api:${caller.name}`,
        ...(caller.role === 'producer' && caller.org !== undefined ? { org: caller.org } : {}),
        ...columnsFrom(req.get(COLUMNS_HEADER), format),
      });
    } catch (error) {
      throw refusal(error);
    }
    await enqueueImport(queues.imports, id);
    // Acknowledged only once a replica holds the file and its job, when the master has replicas.
    await services.replicas?.confirm();
    return { status: 202, body: { id }, headers: { location: `/v1/imports/${id}` } };
  },
});

/** `GET /v1/imports/:id`: an import's progress, counts and a page of its row errors. */
export const getImport = defineRoute({
  method: 'get',
  path: '/v1/imports/:id',
  operationId: 'getImport',
  summary: "A bulk import's progress, counts and row errors",
  description: 'Row errors come a page at a time, in file order (`offset`, `limit`).',
  tag: 'imports',
  access: ['admin', 'producer'],
  pathParams: [importIdParam],
  query: [
    {
      name: 'offset',
      description: 'Skip this many row errors (default 0).',
      schema: { type: 'integer', minimum: 0 },
    },
    {
      name: 'limit',
      description: 'At most this many row errors, 1 to 1000 (default 100).',
      schema: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  ],
  responses: {
    200: { description: 'The import.', schema: 'import-status' },
    404: { description: 'No such import.', schema: 'problem' },
  },
  async handler({ services, principal, req }) {
    const page = pageParams(req.query, 1000, 100);
    const state = await ownImport(services, principal as Principal, String(req.params.id));
    const errors = await services.store.imports.errors(state.id, page);
    return { status: 200, body: importStatus(state, errors) };
  },
});

const refusedRoute = (format: 'csv' | 'ndjson'): RouteDefinition =>
  defineRoute({
    method: 'get',
    path: `/v1/imports/:id/refused.${format}`,
    operationId: format === 'csv' ? 'getImportRefusedCsv' : 'getImportRefusedNdjson',
    summary: `The refused rows of a ${format === 'csv' ? 'CSV' : 'NDJSON'} import, to fix and import again`,
    description:
      format === 'csv'
        ? "The file's header and every refused row exactly as they were in the file, in file order."
        : 'Every refused line exactly as it was in the file, in file order.',
    tag: 'imports',
    access: ['admin', 'producer'],
    pathParams: [importIdParam],
    responses: {
      200: {
        description: 'The refused rows.',
        contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      },
      404: { description: 'No such import of this format.', schema: 'problem' },
    },
    async handler({ services, principal, req, res }): Promise<RouteResult> {
      const state = await ownImport(services, principal as Principal, String(req.params.id));
      if (state.format !== format)
        throw new ApiProblem('not-found', `import ${state.id} is ${state.format}, not ${format}`);
      res
        .status(200)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      res.set('content-disposition', `attachment; filename="${state.id}-refused.${format}"`);
      try {
        if (state.headerRaw) res.write(withLineEnd(state.headerRaw));
        for await (const row of services.store.imports.refusedRows(state.id)) {
          if (!res.write(withLineEnd(row))) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      } catch (error) {
        // Headers are gone: the only honest signal left is a cut connection.
        services.logger.error({ importId: state.id, err: error }, 'streaming refused rows failed');
        res.destroy(error as Error);
      }
      return { status: 200, streamed: true };
    },
  });

/** `GET /v1/imports/:id/refused.csv`. */
export const getImportRefusedCsv = refusedRoute('csv');
/** `GET /v1/imports/:id/refused.ndjson`. */
export const getImportRefusedNdjson = refusedRoute('ndjson');

/** The import `id` names, when the principal may see it: a producer sees its organisation's only. */
async function ownImport(services: ApiServices, principal: Principal, id: string): Promise<ImportState> {
  const state = importIdPattern.test(id) ? await services.store.imports.get(id) : null;
  // Another organisation's import does not exist for the caller.
  if (!state || (principal.role === 'producer' && state.org !== principal.org))
    throw new ApiProblem('not-found', `no import ${JSON.stringify(id)}`);
  return state;
}

/** DESIGN's import shape from the stored state. */
export function importStatus(state: ImportState, errors: unknown[]): Record<string, unknown> {
  return {
    id: state.id,
    status: state.status,
    format: state.format,
    rows: state.rows,
    progress: { bytes: state.status === 'done' ? state.bytes : state.offset, totalBytes: state.bytes },
    errors,
    startedAt: state.startedAt,
    ...(state.finishedAt === undefined ? {} : { finishedAt: state.finishedAt }),
    ...(state.error === undefined ? {} : { error: state.error }),
  };
}

function columnsFrom(header: string | undefined, format: 'csv' | 'ndjson'): { columns?: unknown } {
  if (header === undefined) return {};
  if (format !== 'csv') throw new ApiProblem('invalid-request', 'a column map applies to CSV files only');
  try {
    return { columns: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown };
  } catch {
    throw new ApiProblem('invalid-request', `the ${COLUMNS_HEADER} header must be base64url-encoded JSON`, [
      { pointer: `#/header/${COLUMNS_HEADER}`, message: 'must be base64url-encoded JSON' },
    ]);
  }
}

function refusal(error: unknown): unknown {
  if (error instanceof UploadRefused) {
    if (error.reason === 'too-large')
      // The rest of the body is not read: close the connection rather than wait for it.
      return new ApiProblem('payload-too-large', error.message, undefined, { connection: 'close' });
    return new ApiProblem('invalid-request', error.message, [
      {
        pointer: error.column === undefined ? '#/header' : `#/header/${error.column}`,
        message: error.message,
      },
    ]);
  }
  if (error instanceof ColumnMapError)
    return new ApiProblem('invalid-request', `column map: ${error.message}`, [
      { pointer: `#/header/${COLUMNS_HEADER}`, message: error.message },
    ]);
  return error;
}

function withLineEnd(row: Buffer): Buffer {
  const last = row.at(-1);
  return last === 0x0a || last === 0x0d ? row : Buffer.concat([row, Buffer.from('\r\n')]);
}
