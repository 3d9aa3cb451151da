import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  parse,
  print,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGiaSimulator } from '../../../sim/gia/index.js';
import { giaSampleAvailability, giaSampleReports } from '../../../sim/gia/samples.js';
import { giaSchema } from '../../../sim/gia/schema.js';
import { postGraphql, standardsDir, startTestGia } from './support.js';

const giaDir = join(standardsDir, 'gia');
const published = buildSchema(readFileSync(join(giaDir, 'report-results-schema.graphql'), 'utf8'));
const masterQuery = parse(readFileSync(join(giaDir, 'master_query.graphql'), 'utf8'));

/** Drops the fields GIA's own schema does not define, naming each, so only GIA's inconsistencies go. */
function withoutUnknownFields(document: DocumentNode): { document: DocumentNode; dropped: string[] } {
  const typeInfo = new TypeInfo(published);
  const dropped: string[] = [];
  const reduced = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (typeInfo.getFieldDef()) return undefined;
        dropped.push(`${String(typeInfo.getParentType())}.${node.name.value}`);
        return null;
      },
    }),
  );
  return { document: reduced, dropped };
}

const { document: runnableMaster, dropped } = withoutUnknownFields(masterQuery);

let gia: RunningGiaSimulator;
beforeAll(async () => {
  gia = await startTestGia();
});
afterAll(async () => {
  await gia.close();
});

async function runMaster(reportNumber: string): Promise<Record<string, unknown>> {
  const reply = await postGraphql(gia.url, print(runnableMaster), { ReportNumber: reportNumber });
  expect(reply.status).toBe(200);
  expect(reply.body.errors).toBeUndefined();
  return (reply.body.data as { getReport: Record<string, unknown> }).getReport;
}

describe("GIA's master query against the simulator", () => {
  it('loses only the one field that GIA’s published schema itself lacks (IdentificationReportResults.trade_name)', () => {
    expect(dropped).toEqual(['IdentificationReportResults.trade_name']);
  });

  it('validates against the served schema without a single error', () => {
    expect(validate(giaSchema, runnableMaster).map((error) => error.message)).toEqual([]);
  });

  it('returns the documented example: 2141438171, September 01, 2019, Diamond Dossier, Emerald Cut, 0.51 carat, E, VS2', async () => {
    const report = await runMaster('2141438171');
    expect(report).toMatchObject({
      report_number: '2141438171',
      report_date: 'September 01, 2019',
      report_type: 'Diamond Dossier',
      report_type_code: 'DD',
      associated_references: [
        {
          reference_type_code: 'TRACR',
          reference_type_description: 'Tracr ID',
          reference_id: 'TRACR-E0510000A171',
        },
      ],
      results: {
        __typename: 'DiamondGradingReportResults',
        shape_and_cutting_style: 'Emerald Cut',
        carat_weight: '0.51 carat',
        color_grade: 'E',
        clarity_grade: 'VS2',
        inscriptions: 'GIA 2141438171',
        data: {
          measurements: { __typename: 'FancyMeasurements', length: 5.29, width: 3.88, depth: 2.61 },
          weight: { weight: 0.51, weight_unit: 'carat' },
          color_grades: { color_grade_code: 'E' },
          clarity: 'VS2',
        },
      },
    });
  });

  it('answers a round stone with RoundMeasurements and the printed "min - max x depth" string', async () => {
    const report = await runMaster('2141438169');
    expect(report.results).toMatchObject({
      shape_and_cutting_style: 'Round Brilliant',
      measurements: '6.45 - 6.48 x 3.98 mm',
      clarity_grade: 'Internally Flawless',
      cut_grade: 'Excellent',
      fluorescence: 'Medium Blue',
      data: {
        measurements: { __typename: 'RoundMeasurements', min_diam: 6.45, max_diam: 6.48, depth: 3.98 },
        fluorescence: { fluorescence_intensity: 'MED', fluorescence_color: 'Blue' },
      },
    });
  });

  it('answers a fancy-colour stone with CDColorGrade in color_grades and no deprecated DZ color', async () => {
    const fancy = giaSampleReports.find(
      (report) => report.report_type_code === 'CD' && !(report.report_number in giaSampleAvailability),
    );
    const report = await runMaster(fancy!.report_number);
    const results = report.results as { color_grade: string; data: Record<string, unknown> };
    expect(results.color_grade).toMatch(/^Fancy /);
    expect(results.data.color).toBeNull();
    expect(results.data.color_grades).toMatchObject({ colored_diamond_color_grade: results.color_grade });
  });

  it('returns signed links and the same links as assets', async () => {
    const report = await runMaster('2141438171');
    const links = report.links as Record<string, string | null>;
    expect(links.pdf).toMatch(
      new RegExp(`^${gia.url}/assets/2141438171/pdf\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    );
    expect(report.assets).toContainEqual({
      asset_type_code: 'REPORT_FACSIMILE_PDF',
      asset_type_description: 'Report facsimile PDF',
      link: links.pdf,
    });
  });
});
