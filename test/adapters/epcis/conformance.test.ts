/** The epcis adapter passes the shared conformance suite against the EPCIS repository simulator over HTTP. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epcisAdapter, type EpcisRepositoryOptions } from '../../../src/adapters/epcis/index.js';
import type { AnyEpcisDocument } from '../../../src/adapters/epcis/types.js';
import {
  runAdapterConformance,
  type ConformanceTarget,
  type Golden,
} from '../../../src/conformance/index.js';
import { packageRoot } from '../../../src/package-root.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { connectOptions, repositoryFarSide, startRepository } from './repository.js';

/** A fixture stone as the document the bridge exports for it, without the bridge's sync bookkeeping. */
function exported(name: string): AnyEpcisDocument {
  const { sources: _sources, ...record } = JSON.parse(
    readFileSync(`${packageRoot}/test/fixtures/epcis/${name}.json`, 'utf8'),
  ) as DiamondRecord;
  return epcisAdapter.fromCanonical(record).value;
}

const goldens: Golden<AnyEpcisDocument>[] = [
  { name: 'rough-sold', native: exported('rough-sold') },
  { name: 'graded-polished', native: exported('graded-polished') },
];

const registeredRough: DiamondRecord = {
  schemaVersion: '1',
  id: 'tb_epcisconf0001',
  kind: 'rough',
  owner: { org: 'demo-mining' },
  identifiers: { producerRef: 'DM-EPCIS-0001', kpCertificate: 'BW-KP-2024-0001' },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Jwaneng' },
  rough: { caratWeight: 4.321 },
  events: [{ type: 'registered', at: '2024-04-02T09:00:00Z', platform: 'tracr', ref: '0xfeed01' }],
};

const gradedPolished: DiamondRecord = {
  schemaVersion: '1',
  id: 'tb_epcisconf0002',
  kind: 'polished',
  identifiers: { giaReportNumber: '2141439999', inscription: 'GIA 2141439999' },
  polished: {
    shape: 'oval',
    caratWeight: 0.912,
    color: { scale: 'DZ', grade: 'F' },
    clarity: 'VVS2',
    measurements: { lengthMm: 7.41, widthMm: 5.2, depthMm: 3.18 },
  },
  grading: { lab: 'GIA', reportNumber: '2141439999', reportDate: '2024-02-14' },
  // A time of its own: the export of a record with none is dated by the clock.
  events: [{ type: 'graded', at: '2024-02-14T12:00:00Z', platform: 'gia', ref: '2141439999' }],
};

const target: ConformanceTarget<AnyEpcisDocument, EpcisRepositoryOptions> = {
  adapter: epcisAdapter,
  async start() {
    const sim = await startRepository();
    return { connect: connectOptions(sim), farSide: repositoryFarSide(sim), stop: () => sim.close() };
  },
  goldens,
  writable: [registeredRough, gradedPolished],
  unwritable: [
    {
      name: 'a stone without a bridge ID, which names its events',
      record: { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 1.5 } },
      field: 'id',
    },
  ],
  unknownRef: 'https://id.tracebridge.dev/diamond/tb_nosuchstone',
  lacks: { batch: true },
  feedChanges: 5,
};

runAdapterConformance(target, { describe, it, expect, beforeAll, afterAll });
