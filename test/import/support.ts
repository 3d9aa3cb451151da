/**
 * Producer files for the import tests: a sorting house's weekly export in its own column names (weights in
 * grams, its own colour words), the same stones as NDJSON, and a way to spoil a given share of the rows.
 */
import type { Worker } from 'bullmq';
import { createImportWorker } from '../../src/import/import-jobs.js';
import type { TestBridge } from '../api/support.js';

/** The column map of the sorting house's export. */
export const producerColumns = {
  'Control No': 'identifiers.roughControlNumber',
  'Lot Ref': 'identifiers.producerRef',
  'Wt (g)': { path: 'rough.caratWeight', unit: 'g' },
  Mine: 'origin.mine',
  Country: 'origin.country',
  Box: 'extensions.sorting.box',
  Remarks: null,
};

/** The header line of {@link producerCsv}. */
export const producerHeader = 'Control No,Lot Ref,Wt (g),Mine,Country,Box,Remarks';

/** One good row: stone `n` of batch `batch`, weighing (n % 900 + 100) / 1000 g. */
export function producerRow(n: number, batch = 'W14'): string {
  const grams = ((n % 900) + 100) / 1000;
  return `RC-${batch}-${String(n).padStart(6, '0')},LOT-${batch}-${n},${grams},"Jwaneng, Pit 3",Botswana,B${n % 40},"sorted, ""as mined"""`;
}

/** The carats of {@link producerRow}'s stone `n`. */
export function producerCarats(n: number): number {
  return Number(((((n % 900) + 100) / 1000) * 5).toFixed(3));
}

/** A CSV of `count` stones with CRLF line ends; `bad(n)` names the rows to spoil, each in its own way. */
export function producerCsv(
  count: number,
  options: { bad?: (n: number) => boolean; batch?: string } = {},
): string {
  const lines = [producerHeader];
  for (let n = 1; n <= count; n++) {
    const row = producerRow(n, options.batch);
    lines.push(options.bad?.(n) ? spoil(row, n) : row);
  }
  return `${lines.join('\r\n')}\r\n`;
}

// Four kinds of bad row, each refused for its own reason. The mine's quoted comma makes the country the
// sixth piece of a plain split.
function spoil(row: string, n: number): string {
  const cells = row.split(',');
  switch (n % 4) {
    case 0:
      cells[2] = '=SUM(A1:A3)'; // a formula cell
      break;
    case 1:
      cells[2] = 'heavy'; // not a weight
      break;
    case 2:
      cells[5] = 'Atlantis'; // not a country
      break;
    default:
      cells[2] = '0.5 ct'; // carats in the grams column
  }
  return cells.join(',');
}

/** The same stones as canonical NDJSON records. */
export function producerNdjson(count: number, batch = 'NJ'): string {
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) {
    lines.push(
      JSON.stringify({
        schemaVersion: '1',
        kind: 'rough',
        identifiers: { roughControlNumber: `RC-${batch}-${n}`, producerRef: `LOT-${batch}-${n}` },
        origin: { country: 'BW', mine: 'Orapa' },
        rough: { caratWeight: producerCarats(n) },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The base64url form of a column map, for the Tracebridge-Columns header. */
export function columnsHeader(map: unknown): string {
  return Buffer.from(JSON.stringify(map)).toString('base64url');
}

/** An import worker over a test bridge's services, as every bridge process with workers runs one. */
export function startImportWorker(bridge: TestBridge, options: { batchSize?: number } = {}): Worker {
  const { services } = bridge.built;
  return createImportWorker({
    connection: services.queues!.feeds.opts.connection,
    prefix: services.queues!.prefix,
    ingest: { store: services.store, queues: services.queues!, adapters: services.adapters },
    ...options,
  });
}
