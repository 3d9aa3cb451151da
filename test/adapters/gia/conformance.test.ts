/** The GIA adapter passes the shared conformance suite against the GIA-style simulator over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giaAdapter, type GiaConnectOptions, type GiaRecord } from '../../../src/adapters/gia/index.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { runAdapterConformance, type ConformanceTarget } from '../../../src/conformance/index.js';
import { giaGoldens } from './goldens.js';
import { giaFarSide, giaTestKey, startGia } from './support.js';

const declaredRough: DiamondRecord = {
  schemaVersion: '1',
  kind: 'rough',
  identifiers: {
    roughControlNumber: 'RCN-BW-24-0101',
    kpCertificate: 'KP-BW-2024-000318',
    producerRef: 'LOT-0101',
  },
  origin: { country: 'BW', producer: 'Demo Mining', mine: 'Kgale Pit' },
  rough: { caratWeight: 3.112 },
};

/** Carries what the intake has no field for (a bridge ID, an owner, a Tracr ID): dropped, and reported. */
const registeredElsewhere: DiamondRecord = {
  schemaVersion: '1',
  id: 'tb_gia0000102',
  kind: 'rough',
  owner: { org: 'demo-mining' },
  identifiers: { roughControlNumber: 'RCN-CA-24-0102', tracrId: 'TRACR-00000000C0FE' },
  origin: { country: 'CA', producer: 'Northern Lights Diamonds', mine: 'Lac de Glace' },
  rough: { caratWeight: 12.5 },
};

const giaTarget: ConformanceTarget<GiaRecord, GiaConnectOptions> = {
  adapter: giaAdapter,
  async start() {
    const gia = await startGia();
    return {
      connect: { url: `${gia.url}/graphql`, apiKey: giaTestKey, changesPageSize: 2 },
      farSide: giaFarSide(gia),
      stop: () => gia.close(),
    };
  },
  goldens: giaGoldens,
  writable: [declaredRough, registeredElsewhere],
  unwritable: [
    {
      name: 'a rough stone without a rough control number',
      record: { ...declaredRough, identifiers: { producerRef: 'LOT-0103' } },
      field: 'identifiers.roughControlNumber',
    },
    {
      name: 'a polished stone without its rough weight',
      record: {
        schemaVersion: '1',
        kind: 'polished',
        identifiers: { roughControlNumber: 'RCN-BW-24-0104' },
        origin: { country: 'BW', producer: 'Demo Mining', mine: 'Kgale Pit' },
        polished: { shape: 'oval', caratWeight: 1.02 },
      },
      field: 'rough.caratWeight',
    },
    {
      name: 'a rough stone of aggregated origin',
      record: { ...declaredRough, origin: { aggregated: true, producer: 'Demo Mining', mine: 'Kgale Pit' } },
      field: 'origin.country',
    },
  ],
  unknownRef: '9999999999',
  lacks: { batch: true },
  // GIA searches by report number (an inscription "GIA n" names one) and the intake by control number.
  findableBy: ['giaReportNumber', 'inscription', 'roughControlNumber'],
  feedChanges: 5,
};

runAdapterConformance(giaTarget, { describe, it, expect, beforeAll, afterAll });
