/** The GIA transforms: golden fixtures, the data block against printed strings, origin, and the intake. */
import { describe, expect, it } from 'vitest';
import { giaSampleReports } from '../../../sim/gia/samples.js';
import {
  fromCanonical,
  intakeFromCanonical,
  reportFromCanonical,
  toCanonical,
  unwrapGiaResponse,
  type GradingReport,
} from '../../../src/adapters/gia/index.js';
import { MappingError } from '../../../src/mapping/errors.js';
import { validateDiamond } from '../../../src/mapping/validate.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { coveredBy, differingPointers } from '../../../src/conformance/index.js';
import { fixture, giaGoldens } from './goldens.js';

const report = (file: string): GradingReport => fixture<GradingReport>(file);
const canonical = (file: string): DiamondRecord => toCanonical(report(file)).value;

function mappingError(run: () => unknown): MappingError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}

describe('gia golden fixtures', () => {
  for (const golden of giaGoldens) {
    it(`${golden.file} translates to ${golden.canonicalFile}, schema-valid`, () => {
      const { value } = toCanonical(golden.native);
      expect(value).toEqual(golden.canonical);
      expect(validateDiamond(value)).toMatchObject({ valid: true });
    });
  }

  it('the documented report 2141438171 reads as an emerald cut of 0.51 carat, colour E, clarity VS2', () => {
    const record = canonical('documented-emerald.report.json');
    expect(record.polished).toMatchObject({
      shape: 'emerald',
      caratWeight: 0.51,
      color: { scale: 'DZ', grade: 'E' },
      clarity: 'VS2',
    });
    expect(record.grading).toEqual({
      lab: 'GIA',
      reportNumber: '2141438171',
      reportDate: '2019-09-01',
      reportType: 'Diamond Dossier',
    });
    expect(record.identifiers).toEqual({
      giaReportNumber: '2141438171',
      inscription: 'GIA 2141438171',
      tracrId: 'TRACR-E0510000A171',
    });
  });

  it('spelled-out grades read as codes: Internally Flawless is IF, Excellent is EX', () => {
    const { polished } = canonical('round-d-internally-flawless.report.json');
    expect(polished).toMatchObject({ clarity: 'IF', cut: 'EX', polish: 'EX', symmetry: 'EX' });
    expect(polished?.measurements).toEqual({ minDiameterMm: 6.45, maxDiameterMm: 6.48, depthMm: 3.98 });
  });

  it('a fancy colour reads from CDColorGrade and the printed "Fancy Intense Yellow" alike', () => {
    const native = report('fancy-intense-yellow.report.json');
    expect(toCanonical(native).value.polished?.color).toEqual({
      scale: 'fancy',
      intensity: 'INT',
      hue: 'yellow',
    });
    delete native.results!.data;
    expect(toCanonical(native).value.polished?.color).toEqual({
      scale: 'fancy',
      intensity: 'INT',
      hue: 'yellow',
    });
  });

  it('a fancy shape keeps length x width x depth', () => {
    expect(canonical('pear-length-width-depth.report.json').polished?.measurements).toEqual({
      lengthMm: 9.12,
      widthMm: 5.88,
      depthMm: 3.61,
    });
  });

  it('the graded event is placed at 00:00 UTC on the report date and the loss report says it was guessed', () => {
    const { value, loss } = toCanonical(report('documented-emerald.report.json'));
    expect(value.events).toEqual([
      { type: 'graded', at: '2019-09-01T00:00:00Z', platform: 'gia', actor: 'GIA', ref: '2141438171' },
    ]);
    expect(loss).toContainEqual(expect.objectContaining({ pointer: '/report_date_iso', kind: 'guessed' }));
  });
});

describe('gia printed strings against the data block', () => {
  it('the data block wins, and the conflict names the field and both values', () => {
    const { value, loss } = toCanonical(report('printed-disagrees-with-data.report.json'));
    expect(value.polished?.clarity).toBe('VS2');
    expect(loss).toContainEqual(
      expect.objectContaining({
        pointer: '/results/clarity_grade',
        kind: 'conflict',
        from: 'VS1',
        to: 'VS2',
      }),
    );
    // The printed string is not lost: it stays in the extension, in GIA's own shape.
    expect(value.extensions?.gia).toMatchObject({ results: { clarity_grade: 'VS1' } });
  });

  it('an unknown printed grade fails naming /results/clarity_grade and the value', () => {
    const error = mappingError(() => toCanonical(report('unknown-clarity.report.json')));
    expect(error.pointer).toBe('/results/clarity_grade');
    expect(error.value).toBe('VS3');
  });

  it('an unknown code in the data block fails naming its /results/data pointer', () => {
    const native = report('documented-emerald.report.json');
    native.results!.data!.polish = 'XX';
    expect(mappingError(() => toCanonical(native)).pointer).toBe('/results/data/polish');
  });

  it('a report of another results type (lab-grown) is refused naming /results/__typename', () => {
    const native = report('documented-emerald.report.json');
    native.results!.__typename = 'LabGrownDiamondGradingReportResults';
    expect(mappingError(() => toCanonical(native)).pointer).toBe('/results/__typename');
  });

  it('a printed variant ("VVS-1") is kept and printed again while the grade stands', () => {
    const native = report('round-d-internally-flawless.report.json');
    native.results!.clarity_grade = 'VVS-1';
    native.results!.data!.clarity = 'VVS1';
    const { value } = toCanonical(native);
    expect(reportFromCanonical(value).value.results?.clarity_grade).toBe('VVS-1');
  });

  it('an edited grade is printed afresh, not masked by the printed form kept from the report', () => {
    const { value } = toCanonical(report('round-d-internally-flawless.report.json'));
    value.polished!.clarity = 'VVS1';
    const { results } = reportFromCanonical(value).value;
    expect(results?.clarity_grade).toBe('VVS1');
    expect(results?.data?.clarity).toBe('VVS1');
  });

  it('a weight with thousandths is printed under GIA rounding rule, with a rounded loss entry', () => {
    const { value } = toCanonical(report('documented-emerald.report.json'));
    value.polished!.caratWeight = 0.519;
    const { value: back, loss } = reportFromCanonical(value);
    expect(back.results?.carat_weight).toBe('0.52 carat');
    expect(loss).toContainEqual(
      expect.objectContaining({ pointer: '/polished/caratWeight', kind: 'rounded' }),
    );
  });
});

describe('gia report identity and origin', () => {
  it('a whole GraphQL response body reads as the report inside it', () => {
    const bare = report('documented-emerald.report.json');
    expect(toCanonical({ data: { getReport: bare } })).toEqual(toCanonical(bare));
  });

  it('a response body without a report fails naming /data/getReport and quoting the error', () => {
    const body = { data: { getReport: null }, errors: [{ message: 'This report does not exist' }] };
    const error = mappingError(() => unwrapGiaResponse(body));
    expect(error.pointer).toBe('/data/getReport');
    expect(error.message).toContain('This report does not exist');
  });

  it('a superseded report carries the new number; the notice and the expiring links are dropped with reasons', () => {
    const { value, loss } = toCanonical(report('superseded.report.json'));
    expect(value.identifiers?.giaReportNumber).toBe('2263920000');
    const dropped = loss.filter((entry) => entry.kind === 'dropped').map((entry) => entry.pointer);
    expect(dropped.sort()).toEqual(['/info_message', '/links', '/quota']);
    expect(loss.find((entry) => entry.pointer === '/links')?.reason).toMatch(/expire/);
  });

  it('an origin report gives the rough control number, producer, mine, country and Tracr ID', () => {
    const record = canonical('origin-report-with-rough.report.json');
    expect(record.kind).toBe('polished');
    expect(record.identifiers).toMatchObject({
      roughControlNumber: 'RCN-BW-19-0001',
      tracrId: 'TRACR-000171D0FD8C',
    });
    expect(record.origin).toEqual({ country: 'BW', producer: 'Demo Mining', mine: 'Kgale Pit' });
  });

  it("a producer's declared country that disagrees with the report's is a conflict the report wins", () => {
    const native = report('origin-report-with-rough.report.json');
    native.results!.m2m_rough_data!.country_of_origin = 'Namibia';
    const { value, loss } = toCanonical(native);
    expect(value.origin?.country).toBe('BW');
    expect(loss).toContainEqual(
      expect.objectContaining({ pointer: '/results/m2m_rough_data/country_of_origin', kind: 'conflict' }),
    );
  });

  it("every one of the simulator's sample reports is schema-valid and survives the round trip", () => {
    for (const sample of giaSampleReports) {
      const { value, loss } = toCanonical(structuredClone(sample) as GradingReport);
      expect(validateDiamond(value), sample.report_number).toMatchObject({ valid: true });
      const back = reportFromCanonical(value);
      const named = [...loss, ...back.loss].map((entry) => entry.pointer);
      const unexplained = differingPointers(sample, back.value).filter((p) => !coveredBy(p, named));
      expect(unexplained, sample.report_number).toEqual([]);
    }
  });
});

describe('gia intake records', () => {
  const rough: DiamondRecord = {
    schemaVersion: '1',
    kind: 'rough',
    identifiers: { roughControlNumber: 'RCN-BW-24-0001' },
    origin: { country: 'BW', producer: 'Demo Mining', mine: 'Kgale Pit' },
    rough: { caratWeight: 2.861 },
  };

  it('a rough stone becomes the intake record with the country printed as GIA names it', () => {
    expect(fromCanonical(rough)).toEqual({
      value: {
        rough_control_no: 'RCN-BW-24-0001',
        mine_company: 'Demo Mining',
        mine_name: 'Kgale Pit',
        country_of_origin: 'Botswana',
        rough_weight_carats: 2.861,
      },
      loss: [],
    });
  });

  it('a record without a rough control number fails naming /identifiers/roughControlNumber', () => {
    const { identifiers: _identifiers, ...unnumbered } = rough;
    expect(mappingError(() => fromCanonical(unnumbered)).pointer).toBe('/identifiers/roughControlNumber');
  });

  it('a record without a rough weight fails naming /rough/caratWeight', () => {
    const polished: DiamondRecord = { ...canonical('origin-report-with-rough.report.json') };
    expect(mappingError(() => intakeFromCanonical(polished)).pointer).toBe('/rough/caratWeight');
  });

  it("a polished stone's grades and grading are dropped from the intake with loss entries", () => {
    const polished = { ...canonical('origin-report-with-rough.report.json'), rough: { caratWeight: 2.861 } };
    const { value, loss } = intakeFromCanonical(polished);
    expect(value.rough_control_no).toBe('RCN-BW-19-0001');
    expect(loss.map((entry) => entry.pointer)).toEqual(
      expect.arrayContaining(['/polished', '/grading', '/identifiers/giaReportNumber', '/events']),
    );
  });

  it('a polished stone graded by GIA goes back to its report, anything else to the intake', () => {
    const graded = canonical('documented-emerald.report.json');
    expect(fromCanonical(graded).value).toHaveProperty('report_number', '2141438171');
    expect(fromCanonical(rough).value).toHaveProperty('rough_control_no', 'RCN-BW-24-0001');
  });
});
