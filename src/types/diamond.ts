/**
 * Generated from schemas/diamond.schema.json by scripts/gen-types.mjs: do not edit by hand.
 * After changing the schema, regenerate with `npm run gen:types`.
 */

/**
 * tracebridge's canonical diamond record: one stone, rough or polished, with every platform identifier known for it, its origin, grades, lineage, custody events and where each platform holds it.
 */
export type DiamondRecord = {
  /**
   * Version of this schema the record follows; always "1" for now.
   */
  schemaVersion: '1';
  /**
   * The bridge's ID for the stone. Optional on input: the bridge assigns one when it is absent.
   */
  id?: BridgeId;
  kind: StoneKind;
  owner?: Owner;
  identifiers?: Identifiers;
  origin?: Origin;
  rough?: RoughStone;
  polished?: PolishedStone;
  grading?: Grading;
  lineage?: Lineage;
  /**
   * Custody events, oldest first.
   */
  events?: CustodyEvent[];
  sources?: Sources;
  extensions?: Extensions;
};
/**
 * A bridge ID: "tb_" then 6 to 64 URL-safe characters (letters, digits, '_' and '-'), e.g. tb_01HV8Z3K4M. The bridge mints them; other systems treat them as opaque.
 */
export type BridgeId = string;
/**
 * Whether the stone is rough (as mined) or polished (cut and polished); decides which block it carries.
 */
export type StoneKind = 'rough' | 'polished';
/**
 * An organisation: 1 to 128 characters, no spaces at either end.
 */
export type OrgName = string;
/**
 * An identifier on some platform, as that platform writes it: 1 to 128 characters, no spaces at either end.
 */
export type Reference = string;
/**
 * An ISO 3166-1 alpha-2 country code, e.g. BW, ZA, CA.
 */
export type CountryCode = string;
/**
 * A weight in carats (1 ct = 0.2 g), greater than 0, with at most 3 decimals. The decimal rule is the "thousandths" format: the number's shortest decimal form has at most 3 digits after the point, which floats represent exactly where multipleOf 0.001 does not.
 */
export type CaratWeight = number;
/**
 * Canonical shape of a polished stone; cutting styles with no shape of their own are "other".
 */
export type Shape =
  | 'round'
  | 'princess'
  | 'cushion'
  | 'oval'
  | 'emerald'
  | 'asscher'
  | 'radiant'
  | 'pear'
  | 'marquise'
  | 'heart'
  | 'baguette'
  | 'trilliant'
  | 'other';
/**
 * A colour grade: on the D-to-Z scale, or a fancy colour grade.
 */
export type PolishedColor = DZColor | FancyColor;
/**
 * The letter grade, D (colourless) to M individually, then N, OP, QR, ST, UV, WX, YZ.
 */
export type DZColorGrade =
  'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'N' | 'OP' | 'QR' | 'ST' | 'UV' | 'WX' | 'YZ';
/**
 * Intensity: FNT Faint, VLT Very Light, LIT Light, FLT Fancy Light, FAN Fancy, INT Fancy Intense, VIV Fancy Vivid, FDP Fancy Deep, FDK Fancy Dark.
 */
export type FancyIntensity = 'FNT' | 'VLT' | 'LIT' | 'FLT' | 'FAN' | 'INT' | 'VIV' | 'FDP' | 'FDK';
/**
 * Clarity grade on the GIA scale, from Flawless (FL) to Included 3 (I3).
 */
export type ClarityGrade = 'FL' | 'IF' | 'VVS1' | 'VVS2' | 'VS1' | 'VS2' | 'SI1' | 'SI2' | 'I1' | 'I2' | 'I3';
/**
 * A cut, polish or symmetry grade: Excellent, Very Good, Good, Fair, Poor.
 */
export type FinishGrade = 'EX' | 'VG' | 'G' | 'F' | 'P';
/**
 * NON None, FNT Faint, MED Medium, STG Strong, VST Very Strong.
 */
export type FluorescenceIntensity = 'NON' | 'FNT' | 'MED' | 'STG' | 'VST';
/**
 * Colour of the fluorescence; absent when the intensity is NON or the lab did not state it.
 */
export type FluorescenceColor = 'blue' | 'green' | 'orange' | 'red' | 'violet' | 'white' | 'yellow';
/**
 * Round stones: minimum and maximum diameter and depth. Fancy shapes: length, width and depth.
 */
export type Measurements = RoundMeasurements | FancyMeasurements;
/**
 * A length in millimetres, greater than 0, with at most 3 decimals.
 */
export type Millimetres = number;
/**
 * What happened: registered (first recorded), planned, split (one rough into several), polished, graded, inscribed, certified (Kimberley Process), sold, transferred (change of owner), shipped, received, exported, imported.
 */
export type EventType =
  | 'registered'
  | 'planned'
  | 'split'
  | 'polished'
  | 'graded'
  | 'inscribed'
  | 'certified'
  | 'sold'
  | 'transferred'
  | 'shipped'
  | 'received'
  | 'exported'
  | 'imported';
/**
 * An RFC 3339 date-time with a UTC offset, e.g. 2024-03-01T09:30:00Z or 2024-03-01T11:30:00+02:00.
 */
export type Timestamp = string;
/**
 * A platform name as adapters register it: lowercase letters, digits and dashes, e.g. gia, tracr, epcis.
 */
export type PlatformName = string;

/**
 * Who owns the record; the API grants write access to this organisation only.
 */
export interface Owner {
  /**
   * The organisation that owns the record, e.g. demo-mining.
   */
  org: OrgName;
}
/**
 * Every platform identifier known for the stone; any one of them finds it in a lookup.
 */
export interface Identifiers {
  /**
   * The stone's diamond ID on the Tracr-style ledger.
   */
  tracrId?: Reference;
  /**
   * Number of the GIA grading report for the stone: digits only, e.g. 2141438171.
   */
  giaReportNumber?: string;
  /**
   * The laser inscription on the girdle, exactly as inscribed, e.g. "GIA 2141438171".
   */
  inscription?: string;
  /**
   * The producer's rough control number (GIA Mine-to-Market rough_control_no).
   */
  roughControlNumber?: Reference;
  /**
   * The producer's own reference for the stone, e.g. a parcel or lot line number.
   */
  producerRef?: Reference;
  /**
   * Number of the Kimberley Process certificate the stone was exported under.
   */
  kpCertificate?: Reference;
  /**
   * The box (a sorted parcel) the stone was put in; shared by every stone of the box.
   */
  boxId?: Reference;
}
/**
 * Where the stone was mined, as declared by the producer. A platform that only says "aggregated" sets aggregated: true and no country.
 */
export interface Origin {
  /**
   * Country of origin as an ISO 3166-1 alpha-2 code, e.g. BW.
   */
  country?: CountryCode;
  /**
   * True when the platform states only that the origin is aggregated (mixed parcels); then country is absent.
   */
  aggregated?: boolean;
  /**
   * The mining company that produced the stone.
   */
  producer?: OrgName;
  /**
   * Name of the mine the stone came from.
   */
  mine?: string;
}
/**
 * The stone as mined. Required for rough stones; on a polished stone, the rough it was cut from when a platform records that on the polished stone itself.
 */
export interface RoughStone {
  /**
   * Weight of the rough stone in carats, up to 3 decimals.
   */
  caratWeight: CaratWeight;
}
/**
 * The polished stone: shape, weight and grades. Required for polished stones, forbidden for rough ones.
 */
export interface PolishedStone {
  /**
   * Outline of the polished stone.
   */
  shape: Shape;
  /**
   * Weight of the polished stone in carats, up to 3 decimals (GIA prints 2).
   */
  caratWeight: CaratWeight;
  /**
   * Colour grade: a letter on the D-to-Z scale, or a fancy colour grade.
   */
  color?: PolishedColor;
  /**
   * Clarity grade on the GIA scale.
   */
  clarity?: ClarityGrade;
  /**
   * Cut grade (GIA grades cut for standard round brilliants only).
   */
  cut?: FinishGrade;
  /**
   * Polish grade.
   */
  polish?: FinishGrade;
  /**
   * Symmetry grade.
   */
  symmetry?: FinishGrade;
  /**
   * Fluorescence under long-wave ultraviolet light.
   */
  fluorescence?: Fluorescence;
  /**
   * Measurements in millimetres: diameters for round stones, length and width otherwise.
   */
  measurements?: Measurements;
}
/**
 * A grade on the D-to-Z scale; below N the grades come in letter pairs (OP is "O-P").
 */
export interface DZColor {
  /**
   * The D-to-Z colour scale.
   */
  scale: 'DZ';
  grade: DZColorGrade;
}
/**
 * A fancy colour grade: an intensity and a hue, as in "Fancy Intense Purplish Pink".
 */
export interface FancyColor {
  /**
   * The fancy colour scale.
   */
  scale: 'fancy';
  intensity: FancyIntensity;
  /**
   * The hue in lowercase words, modifiers first, e.g. "yellow", "purplish pink", "gray-blue".
   */
  hue: string;
}
/**
 * Fluorescence intensity and, when there is any, its colour.
 */
export interface Fluorescence {
  intensity: FluorescenceIntensity;
  color?: FluorescenceColor;
}
/**
 * Measurements of a round stone, printed by GIA as "6.45 - 6.48 x 3.98 mm".
 */
export interface RoundMeasurements {
  /**
   * Smallest girdle diameter in millimetres.
   */
  minDiameterMm: Millimetres;
  /**
   * Largest girdle diameter in millimetres.
   */
  maxDiameterMm: Millimetres;
  /**
   * Depth from table to culet in millimetres.
   */
  depthMm: Millimetres;
}
/**
 * Measurements of a fancy shape, printed by GIA as "5.29 x 3.88 x 2.61 mm".
 */
export interface FancyMeasurements {
  /**
   * Length in millimetres.
   */
  lengthMm: Millimetres;
  /**
   * Width in millimetres.
   */
  widthMm: Millimetres;
  /**
   * Depth from table to culet in millimetres.
   */
  depthMm: Millimetres;
}
/**
 * The grading report that stands behind the polished grades.
 */
export interface Grading {
  /**
   * The laboratory that issued the report, e.g. GIA.
   */
  lab: string;
  /**
   * The report number as the lab prints it.
   */
  reportNumber: Reference;
  /**
   * Date the report was issued, as YYYY-MM-DD.
   */
  reportDate?: string;
  /**
   * Type of report as the lab names it, e.g. "Diamond Dossier" or "Diamond Grading Report".
   */
  reportType?: string;
}
/**
 * Parent and children across a split: one rough stone is planned and cut into several polished stones.
 */
export interface Lineage {
  /**
   * Bridge ID of the stone this one was cut from.
   */
  parentId?: BridgeId;
  /**
   * Bridge IDs of the stones cut from this one.
   *
   * @minItems 1
   */
  childIds?: BridgeId[];
}
/**
 * One event in the life of the stone, as one platform recorded it.
 */
export interface CustodyEvent {
  /**
   * What happened.
   */
  type: EventType;
  /**
   * When it happened, with a UTC offset.
   */
  at: Timestamp;
  /**
   * The platform that recorded the event.
   */
  platform: PlatformName;
  /**
   * The organisation that performed or recorded the event.
   */
  actor?: OrgName;
  /**
   * The platform's reference for the event, e.g. a ledger transaction hash.
   */
  ref?: Reference;
  /**
   * Who the stone left (sold, transferred, shipped).
   */
  from?: OrgName;
  /**
   * Who received the stone (sold, transferred, shipped, received).
   */
  to?: OrgName;
  location?: EventLocation;
  /**
   * For polished: the bridge ID of the rough stone this one was cut from.
   */
  parentId?: BridgeId;
  /**
   * For split: bridge IDs of the stones the split produced.
   *
   * @minItems 1
   */
  childIds?: BridgeId[];
  /**
   * Free text the platform attached to the event.
   */
  note?: string;
}
/**
 * Where the event took place.
 */
export interface EventLocation {
  /**
   * Country as an ISO 3166-1 alpha-2 code.
   */
  country?: CountryCode;
  /**
   * A site, city or facility, e.g. "Gaborone" or "Antwerp bourse".
   */
  place?: string;
}
/**
 * Where each platform holds this stone, keyed by platform name (gia, tracr, ...).
 */
export interface Sources {
  [k: string]: PlatformSource;
}
/**
 * Where one platform holds this stone and what the bridge last saw there.
 */
export interface PlatformSource {
  /**
   * The stone's identifier on that platform.
   */
  ref: Reference;
  /**
   * When the bridge last read or wrote the stone there.
   */
  syncedAt: Timestamp;
  /**
   * SHA-256 of the platform's native record as last seen, in 64 lowercase hex digits (sha256Hex in src/mapping/content-hash.ts); a changed hash means the platform changed the stone.
   */
  hash: string;
}
/**
 * Native fields with no canonical home, keyed by platform name, kept so that a round trip through the canonical record loses nothing. Their contents are the platform's own.
 */
export interface Extensions {
  /**
   * A platform's native fields, in its own names and shapes.
   */
  [k: string]: {
    [k: string]: unknown;
  };
}
