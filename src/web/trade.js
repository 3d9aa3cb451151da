// How the page prints canonical values the way the trade reads them. Pure functions with no DOM, so the
// same file runs in the page and in the tests that hold it to the mapping's own print functions.

/**
 * A carat weight as GIA prints it: truncated to the hundredth unless the thousandths digit is 9, which
 * rounds up (1.768 -> "1.76", 1.769 -> "1.77", 0.999 -> "1.00"). The thousandths are read from the
 * number's shortest decimal form, so 1.0005 is the 1.0005 a person reads, not the float just below it.
 * @param {number} carats
 * @returns {string}
 */
export function giaCarats(carats) {
  const shifted = String(carats).includes('e') ? carats * 1000 : Number(`${carats}e3`);
  const thousandths = Math.round(shifted);
  const hundredths = Math.floor(thousandths / 10) + (thousandths % 10 === 9 ? 1 : 0);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

const FINISH_PATHS = ['polished.cut', 'polished.polish', 'polished.symmetry'];
// A hue as printColor writes it: every word and every part of a hyphenated pair capitalised ("Gray-Blue").
const printHue = (hue) => hue.replace(/[a-z]+/g, (word) => word.charAt(0).toUpperCase() + word.slice(1));

/**
 * A graded value in the trade's words, with the canonical code it stands for: `{words: "Excellent", code:
 * "EX"}`. Answers undefined for a path with no vocabulary, and the code itself as the words for a code the
 * vocabulary does not know (a newer bridge may grade with a code this page has not met).
 * @param {Record<string, Record<string, string>>} vocabulary the module served at /web/vocabulary.js
 * @param {string} path the canonical path, e.g. "polished.cut"
 * @param {unknown} value the canonical value at that path
 * @returns {{words: string, code: string} | undefined}
 */
export function tradeWords(vocabulary, path, value) {
  const word = (table, code) => vocabulary[table]?.[code] ?? code;
  if (FINISH_PATHS.includes(path) && typeof value === 'string')
    return { words: word('finish', value), code: value };
  if (path === 'polished.clarity' && typeof value === 'string')
    return { words: word('clarity', value), code: value };
  if (path === 'polished.shape' && typeof value === 'string')
    return { words: word('shape', value), code: value };
  if (path === 'polished.color' && value?.scale === 'DZ')
    return { words: word('colorGrade', value.grade), code: value.grade };
  if (path === 'polished.color' && value?.scale === 'fancy') {
    const words = [word('fancyIntensity', value.intensity), value.hue && printHue(value.hue)];
    return {
      words: words.filter(Boolean).join(' '),
      code: [value.intensity, value.hue].filter(Boolean).join(' '),
    };
  }
  if (path === 'polished.fluorescence' && typeof value?.intensity === 'string') {
    const words = [
      word('fluorescenceIntensity', value.intensity),
      value.color && word('fluorescenceColor', value.color),
    ];
    return {
      words: words.filter(Boolean).join(' '),
      code: [value.intensity, value.color].filter(Boolean).join(' '),
    };
  }
  return undefined;
}
