/** The canonical model's machinery: validation, vocabularies, units, printed-value parsers, loss reports. */
export { MappingError } from './errors.js';
export { identifierNames, type IdentifierName } from './identifiers.js';
export { LossReport, type LossEntry, type LossKind, type Translation } from './loss.js';
export {
  diamondSchema,
  diamondSchemaPath,
  formatIssue,
  validateDiamond,
  type DiamondValidation,
  type ValidationIssue,
} from './validate.js';
export {
  agreesWithGiaPrinted,
  caratsToThousandths,
  giaCaratWeight,
  hasAtMostThreeDecimals,
  roundCarats3,
  roundMillimetres2,
  toCarats,
  type WeightUnit,
} from './units.js';
export {
  parseCaratWeight,
  parseMeasurements,
  parsePercent,
  parseReportDate,
  parseTimestamp,
} from './parse.js';
export { vocabKey } from './vocab/table.js';
export { clarityCodes, clarityTable, parseClarity, printClarity } from './vocab/clarity.js';
export { finishCodes, finishTable, parseFinish, printFinish } from './vocab/finish.js';
export {
  fluorescenceColorCodes,
  fluorescenceColorTable,
  fluorescenceIntensityCodes,
  fluorescenceIntensityTable,
  parseFluorescence,
  parseFluorescenceColor,
  parseFluorescenceIntensity,
  printFluorescence,
} from './vocab/fluorescence.js';
export {
  dzGradeCodes,
  dzGradeTable,
  fancyIntensityCodes,
  fancyIntensityTable,
  hueWords,
  parseColor,
  parseDZGrade,
  parseFancyColor,
  parseFancyIntensity,
  parseHue,
  printColor,
  printDZGrade,
  printFancyIntensity,
} from './vocab/color.js';
export { otherCuttingStyles, parseShape, printShape, shapeCodes, shapeTable } from './vocab/shape.js';
export {
  aggregatedOriginTable,
  countryAliases,
  countryName,
  countryTable,
  isCountryCode,
  parseCountry,
  type ParsedCountry,
} from './vocab/country.js';
