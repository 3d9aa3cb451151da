/**
 * A report's grades, read twice: as printed on the report and from the machine-readable `data` block. The
 * data block wins; a printed string that says otherwise is a `conflict` naming both values, and stays in
 * the residual so nothing is lost. What the polished block regenerates exactly is taken from the residual.
 */
import { sameJson } from '../../mapping/content-hash.js';
import { MappingError } from '../../mapping/errors.js';
import type { LossReport } from '../../mapping/loss.js';
import { parseCaratWeight, parseMeasurements } from '../../mapping/parse.js';
import { hasAtMostThreeDecimals } from '../../mapping/units.js';
import { parseClarity, printClarity } from '../../mapping/vocab/clarity.js';
import {
  parseColor,
  parseDZGrade,
  parseFancyColor,
  parseFancyIntensity,
  parseHue,
  printColor,
} from '../../mapping/vocab/color.js';
import { parseFinish, printFinish } from '../../mapping/vocab/finish.js';
import {
  parseFluorescence,
  parseFluorescenceColor,
  parseFluorescenceIntensity,
  printFluorescence,
} from '../../mapping/vocab/fluorescence.js';
import { findShape, parseShape, printShape } from '../../mapping/vocab/shape.js';
import type { FancyIntensity, Measurements, PolishedColor, PolishedStone } from '../../types/diamond.js';
import type { GiaColorGrade, GiaDiamondResults, GiaMeasurements } from './native.js';
import { pointersUnder, printCaratWeight, printHue, printMeasurements, type Residual } from './printed.js';

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

const gradeFields = [
  'shape_and_cutting_style',
  'carat_weight',
  'measurements',
  'color_grade',
  'clarity_grade',
  'cut_grade',
  'polish',
  'symmetry',
  'fluorescence',
] as const;
const resultsPointer = pointersUnder('/results', gradeFields);
const dataKeys = ['clarity', 'cut', 'polish', 'symmetry'] as const;
const dataPointer = pointersUnder('/results/data', dataKeys);

/** The polished block of a report's results; takes from `rest` what the reverse mapping regenerates. */
export function readGrades(results: GiaDiamondResults, loss: LossReport, rest: Residual): PolishedStone {
  const { polished, conflictFree } = polishedStone(results, loss);
  const grades = (pointer: string, original: unknown, printed: string): void => {
    if (conflictFree.has(pointer)) rest.takeIf(pointer, original, printed);
  };
  grades('/results/shape_and_cutting_style', results.shape_and_cutting_style, printShape(polished.shape));
  grades('/results/carat_weight', results.carat_weight, printCaratWeight(polished.caratWeight));
  if (polished.measurements)
    grades('/results/measurements', results.measurements, printMeasurements(polished.measurements));
  if (polished.color) grades('/results/color_grade', results.color_grade, printColor(polished.color));
  if (polished.clarity)
    grades('/results/clarity_grade', results.clarity_grade, printClarity(polished.clarity));
  for (const [field, printed] of [
    ['cut_grade', polished.cut],
    ['polish', polished.polish],
    ['symmetry', polished.symmetry],
  ] as const) {
    if (printed) grades(resultsPointer[field], results[field], printFinish(printed));
  }
  if (polished.fluorescence)
    grades('/results/fluorescence', results.fluorescence, printFluorescence(polished.fluorescence));
  takeData(results, polished, rest);
  return polished;
}

/** The polished block, data block first; `conflictFree` lists printed pointers that agree with it. */
function polishedStone(
  results: GiaDiamondResults,
  loss: LossReport,
): { polished: PolishedStone; conflictFree: Set<string> } {
  const data = results.data ?? undefined;
  const conflictFree = new Set<string>();
  /** Reads one grade from both sources; the data block wins and a disagreement is reported. */
  const both = <T>(
    field: (typeof gradeFields)[number],
    printed: unknown,
    parsePrinted: (value: unknown, pointer: string) => T,
    fromData: () => T | undefined,
  ): T | undefined => {
    const pointer = resultsPointer[field];
    const printedValue = present(printed) ? parsePrinted(printed, pointer) : undefined;
    const dataValue = fromData();
    if (
      printedValue !== undefined &&
      dataValue !== undefined &&
      printedValue !== dataValue &&
      !sameJson(printedValue, dataValue)
    ) {
      loss.conflict(
        pointer,
        printed,
        dataValue,
        `the printed ${field} disagrees with the data block; the data block wins`,
      );
    } else conflictFree.add(pointer);
    return dataValue ?? printedValue;
  };
  const code = <T>(value: string | null | undefined, pointer: string, parse: (v: unknown, p: string) => T) =>
    present(value) && value !== 'NA' ? parse(value, pointer) : undefined;

  const shape = both('shape_and_cutting_style', results.shape_and_cutting_style, parseShape, () => {
    // GIA's shape groups include outlines with no single canonical shape ("Square", "Rectangular").
    return findShape(data?.shape?.shape_group);
  });
  if (shape === undefined)
    throw new MappingError(
      '/results/shape_and_cutting_style',
      results.shape_and_cutting_style,
      'a shape and cutting style such as Emerald Cut',
    );
  const category = data?.shape?.shape_category;
  if (present(category) && (category === 'R') !== (shape === 'round')) {
    loss.conflict(
      '/results/data/shape/shape_category',
      category,
      shape,
      `shape category ${category} does not fit a ${shape} shape`,
    );
  }
  const caratWeight = both('carat_weight', results.carat_weight, parseCaratWeight, () => {
    const weight = data?.weight;
    if (!present(weight?.weight)) return undefined;
    const unit = present(weight.weight_unit) ? ` ${weight.weight_unit}` : '';
    return parseCaratWeight(
      unit ? `${weight.weight}${unit}` : weight.weight,
      '/results/data/weight/weight',
      loss,
    );
  });
  if (caratWeight === undefined)
    throw new MappingError(
      '/results/carat_weight',
      results.carat_weight,
      'a carat weight such as "0.51 carat"',
    );
  const polished: PolishedStone = { shape, caratWeight };
  const measurements = both('measurements', results.measurements, parseMeasurements, () =>
    present(data?.measurements) ? dataMeasurements(data.measurements) : undefined,
  );
  if (measurements) polished.measurements = measurements;
  const fromData = dataColor(data?.color_grades ?? data?.color, loss);
  // A printed grade that names only the intensity ("Fancy Intense") takes its hue from the data block.
  const printedColor = (value: unknown, pointer: string): PolishedColor => {
    try {
      return parseColor(value, pointer);
    } catch (error) {
      if (fromData?.scale !== 'fancy') throw error;
      const { intensity, hue } = parseColoredDiamondGrade(String(value), pointer, error);
      return { scale: 'fancy', intensity, hue: hue ?? fromData.hue };
    }
  };
  const color = both('color_grade', results.color_grade, printedColor, () => fromData);
  if (color) polished.color = color;
  const clarity = both('clarity_grade', results.clarity_grade, parseClarity, () =>
    code(data?.clarity, '/results/data/clarity', parseClarity),
  );
  if (clarity) polished.clarity = clarity;
  for (const [field, key] of [
    ['cut_grade', 'cut'],
    ['polish', 'polish'],
    ['symmetry', 'symmetry'],
  ] as const) {
    const grade = both(field, results[field], parseFinish, () =>
      code(data?.[key], dataPointer[key], parseFinish),
    );
    if (grade) polished[key] = grade;
  }
  const fluorescence = both('fluorescence', results.fluorescence, parseFluorescence, () => {
    const f = data?.fluorescence;
    if (!present(f?.fluorescence_intensity)) return undefined;
    const intensity = parseFluorescenceIntensity(
      f.fluorescence_intensity,
      '/results/data/fluorescence/fluorescence_intensity',
    );
    return present(f.fluorescence_color)
      ? {
          intensity,
          color: parseFluorescenceColor(
            f.fluorescence_color,
            '/results/data/fluorescence/fluorescence_color',
          ),
        }
      : { intensity };
  });
  if (fluorescence) polished.fluorescence = fluorescence;
  return { polished, conflictFree };
}

function dataMeasurements(m: GiaMeasurements): Measurements {
  const pointer = '/results/data/measurements';
  const mm = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !(value > 0) || !hasAtMostThreeDecimals(value)) {
      throw new MappingError(`${pointer}/${field}`, value, 'millimetres above 0 with at most 3 decimals');
    }
    return value;
  };
  const round = m.__typename === 'RoundMeasurements' || (m.__typename === undefined && 'min_diam' in m);
  return round
    ? {
        minDiameterMm: mm(m.min_diam, 'min_diam'),
        maxDiameterMm: mm(m.max_diam, 'max_diam'),
        depthMm: mm(m.depth, 'depth'),
      }
    : { lengthMm: mm(m.length, 'length'), widthMm: mm(m.width, 'width'), depthMm: mm(m.depth, 'depth') };
}

function dataColor(grade: GiaColorGrade | null | undefined, loss: LossReport): PolishedColor | undefined {
  if (!present(grade)) return undefined;
  const pointer = '/results/data/color_grades';
  if (grade.__typename === 'CDColorGrade' || present(grade.colored_diamond_color_grade_code)) {
    const whole = present(grade.colored_diamond_color_grade)
      ? parseColoredDiamondGrade(grade.colored_diamond_color_grade, `${pointer}/colored_diamond_color_grade`)
      : undefined;
    const intensity = present(grade.colored_diamond_color_grade_code)
      ? parseFancyIntensity(
          grade.colored_diamond_color_grade_code,
          `${pointer}/colored_diamond_color_grade_code`,
        )
      : whole?.intensity;
    const hue = present(grade.colored_diamond_color_description)
      ? parseHue(grade.colored_diamond_color_description, `${pointer}/colored_diamond_color_description`)
      : whole?.hue;
    if (intensity === undefined || hue === undefined) {
      throw new MappingError(pointer, grade, 'a coloured diamond grade with an intensity and a hue');
    }
    if (whole && (whole.intensity !== intensity || (whole.hue !== undefined && whole.hue !== hue))) {
      loss.conflict(
        `${pointer}/colored_diamond_color_grade`,
        grade.colored_diamond_color_grade,
        { intensity, hue },
        'the written-out grade disagrees with the intensity code and hue description; the codes win',
      );
    }
    return { scale: 'fancy', intensity, hue };
  }
  return present(grade.color_grade_code)
    ? { scale: 'DZ', grade: parseDZGrade(grade.color_grade_code, `${pointer}/color_grade_code`) }
    : undefined;
}

/**
 * GIA's `colored_diamond_color_grade`: the whole grade ("Fancy Intense Yellow"), or only its intensity
 * ("Fancy Intense", as GIA's ColoredDiamondColorGradeCode names it) with the hue given apart in
 * `colored_diamond_color_description`.
 */
function parseColoredDiamondGrade(
  value: string,
  pointer: string,
  refusal?: unknown,
): { intensity: FancyIntensity; hue?: string } {
  try {
    return parseFancyColor(value, pointer);
  } catch (error) {
    try {
      return { intensity: parseFancyIntensity(value, pointer) };
    } catch {
      throw refusal ?? error;
    }
  }
}

/** Takes from the data block what the polished block regenerates exactly. */
function takeData(results: GiaDiamondResults, polished: PolishedStone, rest: Residual): void {
  const data = results.data;
  if (!present(data)) return;
  if (present(data.weight?.weight) && data.weight.weight === polished.caratWeight)
    rest.take('/results/data/weight/weight');
  if (present(data.measurements) && polished.measurements) {
    const m = data.measurements;
    const known = ['__typename', 'min_diam', 'max_diam', 'length', 'width', 'depth'];
    if (Object.keys(m).every((key) => known.includes(key))) rest.take('/results/data/measurements');
  }
  const color = polished.color;
  const grades = data.color_grades;
  if (present(grades) && color) {
    rest.take('/results/data/color_grades/__typename');
    if (color.scale === 'DZ')
      rest.takeIf('/results/data/color_grades/color_grade_code', grades.color_grade_code, color.grade);
    else {
      rest.takeIf(
        '/results/data/color_grades/colored_diamond_color_grade_code',
        grades.colored_diamond_color_grade_code,
        color.intensity,
      );
      rest.takeIf(
        '/results/data/color_grades/colored_diamond_color_grade',
        grades.colored_diamond_color_grade,
        printColor(color),
      );
      rest.takeIf(
        '/results/data/color_grades/colored_diamond_color_description',
        grades.colored_diamond_color_description,
        printHue(color),
      );
    }
  }
  if (present(data.color) && color?.scale === 'DZ')
    rest.takeIf('/results/data/color/color_grade_code', data.color.color_grade_code, color.grade);
  for (const key of dataKeys) {
    if (present(data[key]) && data[key] === polished[key]) rest.take(dataPointer[key]);
  }
  const f = data.fluorescence;
  if (present(f) && polished.fluorescence) {
    rest.takeIf(
      '/results/data/fluorescence/fluorescence_intensity',
      f.fluorescence_intensity,
      polished.fluorescence.intensity,
    );
    if (polished.fluorescence.color && present(f.fluorescence_color))
      rest.take('/results/data/fluorescence/fluorescence_color');
  }
}
