import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromCanonical, readNative, toCanonical } from '../../../src/adapters/tracr/transform.js';
import { MappingError } from '../../../src/mapping/errors.js';
import { validateDiamond } from '../../../src/mapping/validate.js';
import type { DiamondRecord } from '../../../src/types/diamond.js';
import { golden } from './ledger.js';

const pointers = (loss: { pointer: string }[]): string[] => loss.map((entry) => entry.pointer).sort();

describe('tracr transform: golden stones', () => {
  for (const name of [
    'rough-aggregated-origin',
    'polished-child-with-lineage',
    'rough-sold-privately-and-split',
    'sample-emerald-E0510000A171',
  ]) {
    it(`${name}: maps to its checked-in canonical record, schema-valid, and back without loss`, () => {
      const { native, canonical } = golden(name);
      const there = toCanonical(native);
      expect(there.value).toEqual(canonical);
      expect(validateDiamond(there.value).valid).toBe(true);
      const back = fromCanonical(there.value);
      expect([...there.loss, ...back.loss]).toEqual([]);
      expect(back.value).toEqual(native);
    });
  }
});

describe('tracr transform: origin, lineage, custody and private fields', () => {
  it('reads the source country AGGREGATED as an aggregated origin with no country', () => {
    const { value } = toCanonical(golden('rough-aggregated-origin').native);
    expect(value.origin).toEqual({ aggregated: true });
    expect(fromCanonical(value).value.sourceCountry).toBe('AGGREGATED');
  });

  it('keeps the ledger lineage in extensions and leaves canonical lineage to the identity map', () => {
    const { value } = toCanonical(golden('rough-sold-privately-and-split').native);
    expect(value.lineage).toBeUndefined();
    expect(value.extensions?.['tracr']?.['childIds']).toEqual([
      'TRACR-0720C0000001',
      'TRACR-E0510000A171',
      'TRACR-0410C0000003',
    ]);
    const child = toCanonical(golden('polished-child-with-lineage').native).value;
    expect(child.extensions?.['tracr']?.['parentId']).toBe('TRACR-2150A0000001');
  });

  it('keeps only the hash of a private price, never an amount', () => {
    const { native } = golden('sample-emerald-E0510000A171');
    const { value } = toCanonical(native);
    expect(value.extensions?.['tracr']?.['priceHash']).toBe(native.privateFields?.price?.hash);
    expect(JSON.stringify(value)).not.toMatch(/amount|currency|salt/);
  });

  it('turns epoch-millisecond events into dated custody events with actor, transaction ref and platform', () => {
    const { value } = toCanonical(golden('sample-emerald-E0510000A171').native);
    expect(value.events?.at(-1)).toEqual({
      type: 'sold',
      at: '2019-10-15T16:00:00.000Z',
      platform: 'tracr',
      actor: 'antwerp-cutting',
      ref: '1a423296fdbdc293a5d45191e14fa33c6b109ab6192c87f7c6ca7f01fb0fd0f7',
      from: 'antwerp-cutting',
      to: 'fifth-avenue-jewels',
    });
    expect(value.identifiers?.giaReportNumber).toBe('2141438171');
  });

  it('keeps an update event, which has no canonical type, in extensions in its place in the history', () => {
    const { native } = golden('polished-colour-letter-P-after-update');
    const { value } = toCanonical(native);
    expect(value.events?.map((event) => event.type)).toEqual(['split', 'polished']);
    expect(fromCanonical(value).value.events).toEqual(native.events);
  });
});

describe('tracr transform: what does not fit is reported or refused', () => {
  it('reports the colour letter P read as the pair OP, and written back as O', () => {
    const there = toCanonical(golden('polished-colour-letter-P-after-update').native);
    expect(there.value.polished?.color).toEqual({ scale: 'DZ', grade: 'OP' });
    expect(pointers(there.loss)).toEqual(['/polished/colour']);
    const back = fromCanonical(there.value);
    expect(back.value.polished?.colour).toBe('O');
    expect(pointers(back.loss)).toEqual(['/polished/color']);
  });

  it('refuses a native weight of 0.5141 ct, naming the field and the value', () => {
    const { native } = golden('rough-aggregated-origin');
    const call = () => toCanonical({ ...native, caratWeight: 0.5141 });
    expect(call).toThrow(MappingError);
    expect(call).toThrow(/\/caratWeight: cannot understand 0\.5141/);
  });

  it('refuses a canonical weight of 0.5141 ct rather than rounding it onto the ledger', () => {
    const record: DiamondRecord = { schemaVersion: '1', kind: 'rough', rough: { caratWeight: 0.5141 } };
    expect(() => fromCanonical(record)).toThrow(/\/rough\/caratWeight: cannot understand 0\.5141/);
  });

  it('reports exactly what a GIA-sourced canonical record has no place for on the ledger', () => {
    const path = fileURLToPath(new URL('../../fixtures/canonical/polished.json', import.meta.url));
    const record = JSON.parse(readFileSync(path, 'utf8')) as DiamondRecord;
    const { value, loss } = fromCanonical(record);
    expect(pointers(loss)).toEqual([
      '/events/0/parentId',
      '/events/1',
      '/events/2',
      '/identifiers/tracrId',
      '/lineage/parentId',
      '/origin/producer',
    ]);
    expect(value.grading).toEqual(record.grading);
    expect(value.polished).toMatchObject({
      shape: 'ROUND',
      colour: 'E',
      cut: 'EXCELLENT',
      symmetry: 'VERY_GOOD',
      fluorescence: { intensity: 'MEDIUM', colour: 'BLUE' },
      measurements: { lengthMm: 7.74, widthMm: 7.71, depthMm: 4.78 },
    });
  });

  it('rounds millimetres to the hundredth and a hyphenated fancy hue to words, and says so', () => {
    const record: DiamondRecord = {
      schemaVersion: '1',
      kind: 'polished',
      polished: {
        shape: 'heart',
        caratWeight: 0.51,
        color: { scale: 'fancy', intensity: 'INT', hue: 'gray-blue' },
        measurements: { lengthMm: 5.125, widthMm: 5.3, depthMm: 3.2 },
      },
    };
    const { value, loss } = fromCanonical(record);
    expect(value.polished?.fancyColour).toEqual({ intensity: 'FANCY_INTENSE', hue: 'GRAY_BLUE' });
    expect(value.polished?.measurements).toEqual({ lengthMm: 5.13, widthMm: 5.3, depthMm: 3.2 });
    expect(pointers(loss)).toEqual(['/polished/color/hue', '/polished/measurements/lengthMm']);
  });

  it('takes a served stone with its proof for the map command, setting the proof aside', () => {
    const { native } = golden('rough-aggregated-origin');
    expect(readNative({ ...native, proof: { txId: 'x' } })).toEqual(native);
    expect(() => readNative({ kind: 'CUT' })).toThrow(/\/kind/);
  });
});
