/**
 * Pure translation between the stock system's items and tracebridge's canonical record: no I/O, the same
 * input always gives the same output, and whatever has no home on the other side is named in the loss report.
 */
import {
  LossReport,
  MappingError,
  type ClarityGrade,
  type DiamondRecord,
  type DZColorGrade,
  type Shape,
  type Translation,
} from 'tracebridge';
import type { StockItem } from './server.js';

const shapes: Readonly<Record<string, Shape>> = {
  RB: 'round',
  PR: 'princess',
  CU: 'cushion',
  OV: 'oval',
  EM: 'emerald',
  AS: 'asscher',
  RA: 'radiant',
  PS: 'pear',
  MQ: 'marquise',
  HS: 'heart',
  BG: 'baguette',
  TR: 'trilliant',
  OT: 'other',
};
const shapeCodes = Object.fromEntries(Object.entries(shapes).map(([code, shape]) => [shape, code]));
const colours = ['D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'OP', 'QR', 'ST', 'UV', 'WX', 'YZ'];
const clarities = ['FL', 'IF', 'VVS1', 'VVS2', 'VS1', 'VS2', 'SI1', 'SI2', 'I1', 'I2', 'I3'];

/** A stock item as a canonical polished stone; the SKU and shelf location are kept under extensions. */
export function toCanonical(item: StockItem): Translation<DiamondRecord> {
  const shape = shapes[item.shape];
  if (!shape)
    throw new MappingError('/shape', item.shape, `a stock shape code (${Object.keys(shapes).join(', ')})`);
  if (item.colour !== undefined && !colours.includes(item.colour)) {
    throw new MappingError('/colour', item.colour, 'a D-to-Z colour grade such as G or OP');
  }
  if (item.clarity !== undefined && !clarities.includes(item.clarity)) {
    throw new MappingError('/clarity', item.clarity, 'a clarity grade such as VS2');
  }
  const identifiers = {
    ...(item.giaReportNumber === undefined ? {} : { giaReportNumber: item.giaReportNumber }),
    ...(item.inscription === undefined ? {} : { inscription: item.inscription }),
  };
  const inventory = {
    ...(item.sku === undefined ? {} : { sku: item.sku }),
    ...(item.location === undefined ? {} : { location: item.location }),
  };
  const loss = new LossReport();
  // Shop scales weigh to the ten-thousandth; the canonical record keeps thousandths.
  const caratWeight = Math.round(item.caratWeight * 1000) / 1000;
  if (caratWeight !== item.caratWeight) {
    loss.rounded('/caratWeight', item.caratWeight, caratWeight, 'canonical weights keep 3 decimals');
  }
  const record: DiamondRecord = {
    schemaVersion: '1',
    ...(item.bridgeId === undefined ? {} : { id: item.bridgeId }),
    kind: 'polished',
    ...(Object.keys(identifiers).length > 0 ? { identifiers } : {}),
    polished: {
      shape,
      caratWeight,
      ...(item.colour === undefined ? {} : { color: { scale: 'DZ', grade: item.colour as DZColorGrade } }),
      ...(item.clarity === undefined ? {} : { clarity: item.clarity as ClarityGrade }),
    },
    ...(Object.keys(inventory).length > 0 ? { extensions: { inventory } } : {}),
  };
  return loss.result(record);
}

/** A canonical polished stone as a stock item. Rough stones and fancy colours have no place on the shelf. */
export function fromCanonical(record: DiamondRecord): Translation<StockItem> {
  const loss = new LossReport();
  const { polished } = record;
  if (record.kind !== 'polished' || !polished)
    throw new MappingError('/kind', record.kind, 'a polished stone');
  if (polished.color && polished.color.scale !== 'DZ') {
    throw new MappingError(
      '/polished/color',
      polished.color,
      'a D-to-Z colour grade; the stock system keeps no fancy colours',
    );
  }
  const { sku, location } = (record.extensions?.inventory ?? {}) as { sku?: string; location?: string };
  const { giaReportNumber, inscription, ...otherIds } = record.identifiers ?? {};
  const { shape: _shape, caratWeight, color, clarity, ...otherGrades } = polished;
  for (const key of Object.keys(otherIds))
    loss.dropped(
      `/identifiers/${key}`,
      otherIds[key as keyof typeof otherIds],
      'the stock system keeps no such identifier',
    );
  for (const key of Object.keys(otherGrades))
    loss.dropped(
      `/polished/${key}`,
      otherGrades[key as keyof typeof otherGrades],
      'the stock system keeps shape, weight, colour and clarity only',
    );
  for (const key of ['owner', 'origin', 'rough', 'grading', 'lineage', 'events'] as const) {
    if (record[key] !== undefined)
      loss.dropped(`/${key}`, record[key], 'the stock system has no place for it');
  }
  return loss.result({
    ...(sku === undefined ? {} : { sku }),
    ...(record.id === undefined ? {} : { bridgeId: record.id }),
    caratWeight,
    shape: shapeCodes[polished.shape] ?? 'OT',
    ...(color?.scale === 'DZ' ? { colour: color.grade } : {}),
    ...(clarity === undefined ? {} : { clarity }),
    ...(giaReportNumber === undefined ? {} : { giaReportNumber }),
    ...(inscription === undefined ? {} : { inscription }),
    ...(location === undefined ? {} : { location }),
  });
}
