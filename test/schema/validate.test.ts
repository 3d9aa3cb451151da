import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  diamondSchema,
  formatIssue,
  validateDiamond,
  type ValidationIssue,
} from '../../src/mapping/validate.js';
import { packageRoot } from '../../src/package-root.js';

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'canonical', name), 'utf8')) as Json;
const rough = fixture('rough.json');
const polished = fixture('polished.json');

/** A copy of `record` with the value at a slash path replaced (or removed when `value` is undefined). */
function withValue(record: Json, path: string, value: unknown): Json {
  const copy = structuredClone(record);
  const keys = path.split('/').slice(1);
  const last = keys.pop() ?? '';
  let node = copy as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function issues(value: unknown): ValidationIssue[] {
  const result = validateDiamond(value);
  if (result.valid) throw new Error('expected the record to be invalid');
  return result.errors;
}

describe('validateDiamond', () => {
  test.each([
    ['2020-02-29', true],
    ['2019-02-29', false],
    ['2019-04-31', false],
    ['2000-02-29', true],
    ['2100-02-29', false],
    ['2019-11-30', true],
    ['2019-12-31', true],
    ['2019-13-01', false],
    ['2019-00-10', false],
    ['2019-9-01', false],
    ['2019-09-01T00:00:00Z', false],
    ['20a9-09-01', false],
  ])('takes %s as a report date: %s', (date, valid) => {
    expect(validateDiamond(withValue(polished, '/grading/reportDate', date)).valid).toBe(valid);
  });

  test('counts a string of emoji by characters, not by UTF-16 units, against its maximum length', () => {
    // 100 characters, 200 UTF-16 units: within the reference's 128.
    const emoji = '\u{1F48E}'.repeat(100);
    expect(validateDiamond(withValue(polished, '/identifiers/producerRef', emoji)).valid).toBe(true);
    expect(
      validateDiamond(withValue(polished, '/identifiers/producerRef', `${emoji}${'x'.repeat(29)}`)).valid,
    ).toBe(false);
  });

  test.each(['rough.json', 'polished.json', 'polished-fancy.json'])('accepts the fixture %s', (name) => {
    const result = validateDiamond(fixture(name));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  test('answers the record itself when it is valid', () => {
    const result = validateDiamond(rough);
    expect(result.valid && result.record).toBe(rough);
  });

  test('accepts a record without an id: the bridge assigns one', () => {
    expect(validateDiamond(withValue(rough, '/id', undefined)).valid).toBe(true);
  });

  test('names the clarity field, the allowed grades and the value given', () => {
    expect(issues(withValue(polished, '/polished/clarity', 'VVS-1'))).toEqual([
      {
        pointer: '/polished/clarity',
        message: 'must be one of FL, IF, VVS1, VVS2, VS1, VS2, SI1, SI2, I1, I2, I3 (got "VVS-1")',
      },
    ]);
  });

  test('reports a misspelt field at its object and suggests the right name', () => {
    const record = withValue(rough, '/origin', { contry: 'BW' });
    expect(issues(record)).toEqual([
      { pointer: '/origin', message: "unknown field 'contry' (did you mean 'country'?)" },
    ]);
  });

  test('collapses a bad D-to-Z grade to the one message of the DZ branch', () => {
    const record = withValue(polished, '/polished/color', { scale: 'DZ', grade: 'Z' });
    expect(issues(record)).toEqual([
      {
        pointer: '/polished/color/grade',
        message: 'must be one of D, E, F, G, H, I, J, K, L, M, N, OP, QR, ST, UV, WX, YZ (got "Z")',
      },
    ]);
  });

  test('reports a fancy colour missing its hue as the hue field, not as oneOf noise', () => {
    const record = withValue(polished, '/polished/color', { scale: 'fancy', intensity: 'VIV' });
    expect(issues(record)).toEqual([{ pointer: '/polished/color/hue', message: 'is required' }]);
  });

  test('explains both colour shapes when the colour is a bare string', () => {
    const [issue, ...rest] = issues(withValue(polished, '/polished/color', 'E'));
    expect(rest).toEqual([]);
    expect(issue?.pointer).toBe('/polished/color');
    expect(issue?.message).toMatch(
      /DZColor \{scale, grade\} or FancyColor \{scale, intensity, hue\}.*got "E"/,
    );
  });

  test('picks the fancy measurements branch from the fields given', () => {
    const record = withValue(polished, '/polished/measurements', { lengthMm: 5.29, widthMm: 3.88 });
    expect(issues(record)).toEqual([{ pointer: '/polished/measurements/depthMm', message: 'is required' }]);
  });

  test('requires the polished block on a polished stone and says why', () => {
    expect(issues(withValue(polished, '/polished', undefined))).toEqual([
      { pointer: '/polished', message: 'is required when kind is "polished"' },
    ]);
  });

  test('refuses polished grades on a rough stone', () => {
    const record = { ...rough, polished: polished.polished };
    expect(issues(record)).toEqual([
      { pointer: '/polished', message: 'is not allowed when kind is "rough"' },
    ]);
  });

  test('refuses a country beside aggregated: true', () => {
    const record = withValue(rough, '/origin', { aggregated: true, country: 'BW' });
    expect(issues(record)).toEqual([
      { pointer: '/origin/country', message: 'is not allowed when aggregated is true' },
    ]);
  });

  test.each([
    ['/origin/country', 'bw', /must match \^\[A-Z\]\{2\}\$, e.g. "BW" \(got "bw"\)/],
    ['/origin/country', 'ZZ', /assigned ISO 3166-1 alpha-2 country code.*got "ZZ"/],
    ['/rough/caratWeight', 0.1 + 0.2, /at most 3 decimals \(got 0.30000000000000004\)/],
    ['/rough/caratWeight', 0, /must be > 0 \(got 0\)/],
    ['/rough/caratWeight', '1.2', /must be a number \(got "1.2"\)/],
    ['/events/0/at', '2024-03-01T09:30:00', /date-time with a UTC offset.*got "2024-03-01T09:30:00"/],
    ['/events/0/type', 'mined', /must be one of registered, .* \(got "mined"\)/],
    ['/id', 'TB-1', /must match \^tb_/],
    ['/identifiers/giaReportNumber', 'GIA2141438171', /must match \^\[0-9\]\{5,12\}\$/],
    ['/schemaVersion', 1, /must be "1" \(got 1\)/],
    ['/sources/tracr/hash', 'abc', /must match \^\[0-9a-f\]\{64\}\$/],
  ])('reports %s = %j with its pointer', (pointer, value, message) => {
    const found = issues(withValue(rough, pointer, value));
    expect(found.map((issue) => issue.pointer)).toEqual([pointer]);
    expect(found[0]?.message).toMatch(message);
  });

  test('reports a precise float weight as valid: 1.768 has 3 decimals whatever its binary form', () => {
    expect(validateDiamond(withValue(rough, '/rough/caratWeight', 1.768)).valid).toBe(true);
    expect(validateDiamond(withValue(rough, '/rough/caratWeight', 1.005)).valid).toBe(true);
  });

  test('reports a platform name that is not one at the offending key', () => {
    const record = withValue(rough, '/extensions', { Tracr: {} });
    expect(issues(record)).toEqual([
      {
        pointer: '/extensions/Tracr',
        message: 'is not an allowed field name: names must match ^[a-z][a-z0-9-]{0,31}$',
      },
    ]);
  });

  test('refuses events out of time order, comparing instants across offsets', () => {
    const events = rough.events as Json[];
    // 09:30Z is 11:30+02:00, so 11:00+02:00 comes before it.
    const late = [events[0], { ...events[1], at: '2024-03-01T11:00:00+02:00' }];
    expect(issues({ ...rough, events: late })).toEqual([
      {
        pointer: '/events/1/at',
        message:
          'events must be in time order, oldest first: 2024-03-01T11:00:00+02:00 is earlier than the event before it (2024-03-01T09:30:00Z)',
      },
    ]);
  });

  test('refuses a stone that is its own parent', () => {
    const record = withValue(polished, '/lineage/parentId', polished.id);
    expect(issues(record).map((issue) => issue.pointer)).toEqual(['/lineage/parentId']);
  });

  test('reports a value that is not an object at the root pointer', () => {
    expect(issues([])).toEqual([{ pointer: '', message: 'must be an object (got an array)' }]);
    expect(formatIssue({ pointer: '', message: 'must be an object' })).toBe('/: must be an object');
  });

  test('collects every problem of a record, not only the first', () => {
    const record = withValue(withValue(polished, '/polished/clarity', 'VVS-1'), '/polished/cut', 'Excellent');
    expect(issues(record).map((issue) => issue.pointer)).toEqual(['/polished/clarity', '/polished/cut']);
  });

  test('hands out the compiled schema frozen, so no caller can change what the validator uses', () => {
    expect(Object.isFrozen(diamondSchema())).toBe(true);
    expect(diamondSchema()).toBe(diamondSchema());
  });
});
