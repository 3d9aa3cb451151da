/**
 * The page prints values with the mapping's own words and GIA's own weight rule: these tests hold the
 * browser module and the generated vocabulary to the print functions the adapters use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { giaCaratWeight } from '../../src/mapping/units.js';
import { clarityCodes, printClarity } from '../../src/mapping/vocab/clarity.js';
import { dzGradeCodes, fancyIntensityCodes, hueWords, printColor } from '../../src/mapping/vocab/color.js';
import { finishCodes, printFinish } from '../../src/mapping/vocab/finish.js';
import {
  fluorescenceColorCodes,
  fluorescenceIntensityCodes,
  printFluorescence,
} from '../../src/mapping/vocab/fluorescence.js';
import { giaCarats, tradeWords } from '../../src/web/trade.js';
import { tradeWords as vocabularyOf, tradeWordsModule } from '../../src/web/vocabulary.js';

const vocabulary = vocabularyOf();
const hues = hueWords.filter(([, , role]) => role === 'hue').map(([, canonical]) => canonical);

describe("the page's trade words", () => {
  it('prints every cut, polish, symmetry and clarity grade as the mapping does, with its code', () => {
    for (const path of ['polished.cut', 'polished.polish', 'polished.symmetry'])
      for (const code of finishCodes)
        expect(tradeWords(vocabulary, path, code)).toEqual({ words: printFinish(code), code });
    for (const code of clarityCodes)
      expect(tradeWords(vocabulary, 'polished.clarity', code)).toEqual({ words: printClarity(code), code });
    expect(tradeWords(vocabulary, 'polished.clarity', 'IF')?.words).toBe('Internally Flawless');
    expect(tradeWords(vocabulary, 'polished.clarity', 'FL')?.words).toBe('Flawless');
    expect(tradeWords(vocabulary, 'polished.cut', 'VG')?.words).toBe('Very Good');
  });

  it('prints every colour of both scales and every fluorescence as printColor and printFluorescence do', () => {
    for (const grade of dzGradeCodes)
      expect(tradeWords(vocabulary, 'polished.color', { scale: 'DZ', grade })?.words).toBe(
        printColor({ scale: 'DZ', grade }),
      );
    for (const intensity of fancyIntensityCodes)
      for (const hue of [...hues, 'purplish pink', 'gray-blue', 'brownish yellowish green']) {
        const color = { scale: 'fancy', intensity, hue } as const;
        expect(tradeWords(vocabulary, 'polished.color', color)).toEqual({
          words: printColor(color),
          code: `${intensity} ${hue}`,
        });
      }
    for (const intensity of fluorescenceIntensityCodes)
      for (const color of [undefined, ...fluorescenceColorCodes]) {
        const fluorescence = color === undefined ? { intensity } : { intensity, color };
        expect(tradeWords(vocabulary, 'polished.fluorescence', fluorescence)?.words).toBe(
          printFluorescence(fluorescence),
        );
      }
    expect(tradeWords(vocabulary, 'polished.fluorescence', { intensity: 'MED', color: 'blue' })).toEqual({
      words: 'Medium Blue',
      code: 'MED blue',
    });
  });

  it('names shapes by their trade name and shows a code it does not know as the code', () => {
    expect(tradeWords(vocabulary, 'polished.shape', 'pear')).toEqual({ words: 'Pear', code: 'pear' });
    expect(tradeWords(vocabulary, 'polished.shape', 'princess')?.words).toBe('Princess');
    expect(tradeWords(vocabulary, 'polished.cut', 'XX')).toEqual({ words: 'XX', code: 'XX' });
    expect(tradeWords(vocabulary, 'origin.mine', 'Jwaneng')).toBeUndefined();
  });

  it('serves the vocabulary as an ES module whose exports are the words', async () => {
    const url = `data:text/javascript;base64,${Buffer.from(tradeWordsModule()).toString('base64')}`;
    const served = (await import(url)) as Record<string, unknown>;
    expect({ ...served }).toEqual(vocabulary);
    expect(Object.isFrozen(served.finish)).toBe(true);
  });
});

describe("the page's GIA carat weight", () => {
  it('truncates to the hundredth unless the thousandths digit is 9', () => {
    expect(giaCarats(1.768)).toBe('1.76');
    expect(giaCarats(1.769)).toBe('1.77');
    expect(giaCarats(0.999)).toBe('1.00');
    expect(giaCarats(0.5)).toBe('0.50');
    expect(giaCarats(10.009)).toBe('10.01');
  });

  it('agrees with the mapping’s giaCaratWeight for any ledger weight', () => {
    const ledgerWeight = fc.integer({ min: 1, max: 2_000_000 }).map((thousandths) => thousandths / 1000);
    const anyWeight = fc.double({ min: 0.001, max: 5000, noNaN: true, noDefaultInfinity: true });
    for (const weights of [ledgerWeight, anyWeight])
      fc.assert(
        fc.property(weights, (carats) => {
          expect(giaCarats(carats)).toBe(giaCaratWeight(carats).toFixed(2));
        }),
        { numRuns: 2000 },
      );
  });
});
