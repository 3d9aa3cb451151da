import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The part of GIA's Report Results schema this registry serves, with GIA's own type, field and argument
 * names and types. Every declaration here exists identically in the published schema
 * (`test/sim/gia/schema-subset.test.ts` holds us to that); enums list only the values we use, and the
 * result types other than diamonds carry the fields GIA's master query asks for, so that query validates.
 */
export const giaSchemaSdl = /* GraphQL */ `
  type Query {
    getReport(report_number: String!): GradingReport
    getQuota: Quota
    isReportUpdated(report_number: String!, date: String!): ReportUpdated
    getChangedReports(limit: Int, cursor: String): ChangedReportResults!
  }

  type Mutation {
    clearChangedReports: String
  }

  type GradingReport {
    report_date: String
    report_date_iso: String
    report_number: String!
    report_type: String
    report_type_code: ReportTypeCode
    results: ReportResults
    links: Links
    quota: Quota
    info_message: String
    is_digital: Boolean
    is_sleeve: Boolean
    assets: [ReportAsset!]
    industry_disclosures: IndustryDisclosures
    supplemental_report_results: [SupplementalReportResults]
    associated_references: [AssociatedReference]
  }

  enum ReportTypeCode {
    CD
    CDOR
    DD
    DER
    DG
    DOR
    ID
    JG
    LGDG
    MLE
    PI
  }

  union ReportResults =
    | DiamondGradingReportResults
    | PearlIdentReportResults
    | NarrativeReportResults
    | LabGrownDiamondGradingReportResults
    | MeleeServiceResults
    | IdentificationReportResults
    | JewelryGradingReportResults
    | LabGrownQualityAssessmentResults

  type DiamondGradingReportResults {
    shape_and_cutting_style: String!
    measurements: String!
    carat_weight: String!
    color_grade: String!
    color_origin: String
    color_distribution: String
    color_distribution_code: ColorDistributionCode
    clarity_grade: String
    cut_grade: String
    m2m_rough_data: M2MRoughData @deprecated(reason: "M2M no longer supported.")
    polish: String
    symmetry: String
    fluorescence: String
    clarity_characteristics: String
    key_to_symbols: [ClarityCharacteristic]
    inscriptions: String
    report_comments: String
    duplicate_comments: String
    proportions: DiamondProportions
    country_of_origin: String
    country_of_origin_code: CountryOfOriginCode
    diamond_type: String
    data: DiamondData
    inscription_reference_id: String
  }

  type M2MRoughData {
    rough_control_no: String
    rough_report_no: String
    mine_company: String
    mine_name: String
    rough_image: String
    rough_video: String
    polished_image: String
    polished_video: String
    country_of_origin: String
  }

  type ClarityCharacteristic {
    order: Int!
    characteristic: String!
    image: String
    location: String
  }

  type DiamondProportions {
    depth_pct: String
    table_pct: String!
    crown_angle: String
    crown_height: String
    pavilion_angle: String
    pavilion_depth: String
    star_length: String
    lower_half: String
    girdle: String!
    culet: String!
  }

  type DiamondData {
    shape: DiamondShape
    measurements: Measurements
    weight: Weight
    color: DZColorGrade @deprecated(reason: "Please use color_grades field instead.")
    color_grades: ColorGrade
    clarity: ClarityGradeCode
    cut: CutGradeCode
    polish: PolishGradeCode
    symmetry: SymmetryGradeCode
    fluorescence: Fluorescence
    girdle: Girdle
    culet: Culet
    inscription_graphics: [InscriptionGraphic]
  }

  type DiamondShape {
    shape_category: ShapeCategory!
    shape_code: ShapeCode!
    shape_group: String!
    shape_group_code: ShapeGroupCode!
  }

  enum ShapeCategory {
    F
    R
  }

  enum ShapeCode {
    CMB
    CRMB
    EM
    HMB
    MMB
    OMB
    PMB
    RBC
    SEM
    SMB
  }

  enum ShapeGroupCode {
    CU
    EM
    HT
    MQ
    OV
    PR
    REC
    ROU
    SQ
    SQEM
  }

  union Measurements = RoundMeasurements | FancyMeasurements

  type RoundMeasurements {
    min_diam: Float!
    max_diam: Float!
    depth: Float!
  }

  type FancyMeasurements {
    length: Float!
    width: Float!
    depth: Float!
  }

  type Weight {
    weight: Float!
    weight_unit: String
  }

  union ColorGrade = DZColorGrade | CDColorGrade

  type DZColorGrade {
    color_grade_code: DZColorGradeCode
    color_modifier: String
  }

  enum DZColorGradeCode {
    D
    E
    F
    G
    H
    I
    J
    K
    L
    M
    N
    OP
    QR
    ST
    UV
    WX
    YZ
  }

  type CDColorGrade {
    colored_diamond_color_grade: String
    colored_diamond_color_grade_code: ColoredDiamondColorGradeCode
    colored_diamond_color_description: String
    colored_diamond_color_description_code: String
  }

  enum ColoredDiamondColorGradeCode {
    FAN
    FDK
    FDP
    FLT
    FNT
    INT
    LIT
    VIV
    VLT
  }

  enum ColorDistributionCode {
    E
    N
    U
  }

  enum ClarityGradeCode {
    FL
    IF
    VVS1
    VVS2
    VS1
    VS2
    SI1
    SI2
    I1
    I2
    I3
  }

  enum CutGradeCode {
    EX
    VG
    G
    F
    P
  }

  enum PolishGradeCode {
    EX
    VG
    G
    F
    P
  }

  enum SymmetryGradeCode {
    EX
    VG
    G
    F
    P
    NA
  }

  type Fluorescence {
    fluorescence_intensity: FluorescenceIntensityCode
    fluorescence_color: FluorescenceColor
  }

  enum FluorescenceIntensityCode {
    NON
    FNT
    MED
    STG
    VST
  }

  enum FluorescenceColor {
    Blue
    Green
    Orange
    Red
    White
    Yellow
  }

  type Girdle {
    girdle_condition: String
    girdle_condition_code: GirdleConditionCode
    girdle_pct: String
    girdle_size: String
    girdle_size_code: GirdleSizeCode
  }

  enum GirdleConditionCode {
    F
    P
    B
    L
    NA
  }

  enum GirdleSizeCode {
    THN
    MED
    STK
    THK
    THN_TO_MED
    MED_TO_STK
    MED_TO_THK
    STK_TO_THK
  }

  type Culet {
    culet_code: CuletCode
  }

  enum CuletCode {
    NON
    VSM
    SML
    MED
    NA
  }

  enum CountryOfOriginCode {
    COO0001
    COO0002
    COO0003
  }

  type InscriptionGraphic {
    description: String
    image: String
  }

  type LabGrownDiamondGradingReportResults {
    identification: String
    shape_and_cutting_style: String!
    measurements: String!
    carat_weight: String!
    color_grade: String!
    color_origin: String
    color_distribution: String
    color_distribution_code: ColorDistributionCode
    clarity_characteristics: String
    clarity_grade: String
    cut_grade: String
    polish: String
    symmetry: String
    fluorescence: String
    key_to_symbols: [ClarityCharacteristic]
    inscriptions: String
    proportions: DiamondProportions
    report_comments: String
    duplicate_comments: String
    data: DiamondData
    inscription_reference_id: String
  }

  type PearlIdentReportResults {
    report_title: String
    item_description: String
    weight: String
    measurements: String!
    shape: String
    bodycolor: String!
    overtone: String!
    identification: String
    environment: String
    mollusk: String
    quantity: String
    surface: String
    luster: String
    matching: String
    nacre: String
    drilling: String
    treatment: String
    report_comments: String
    duplicate_comments: String
  }

  type NarrativeReportResults {
    report_title: String
    description: String!
    conclusion: String!
    report_comments: String
    duplicate_comments: String
    inscriptions: String
    country_of_origin_code: CountryOfOriginCode
    pearl_identification: String
    treatment_codes: [TreatmentCodes]
    diamond_type: String
  }

  type TreatmentCodes {
    treatment_code: TreatmentCode
  }

  enum TreatmentCode {
    TDC001
    TDC002
    TDC003
  }

  type IdentificationReportResults {
    weight: String
    measurements: String!
    shape: String
    cutting_style: String
    cutting_style_crown: String
    cutting_style_pavilion: String
    transparency: String
    color: String
    item_description: String
    inscriptions: String
    inscription_graphics: [InscriptionGraphic]
    inscription_reference_id: String
    species: String
    geographic_origin: String
    variety: String
    phenomenon: String
    treatment: String
    treatment_codes: [TreatmentCodes]
    report_comments: String
    fei_cui_type: String
  }

  type MeleeServiceResults {
    packages: [MeleeServicePackage]
  }

  type MeleeServicePackage {
    service_results_number: String!
    issue_date: String!
    melee_shape: String
    diameter: String
    total_carat_weight: String
    color_range: String
    number_of_items: Int
    material_test_results: String
    comments: String
  }

  type JewelryGradingReportResults {
    gia_report_results: [GIAReportResults]
    additional_stones: [AdditionalStonesData]
    image_comments: String
    item_description: String
    metal_tested_as: String
    item_weight: String
    inscriptions: String
    inscription_graphics: [InscriptionGraphic]
    stampings: String
    stamping_graphics: [StampingGraphic]
    center_stone: String
  }

  type GIAReportResults {
    report_results: AssociatedReportResults
    report_number: String
    report_type_code: String
  }

  union AssociatedReportResults = DiamondGradingReportResults | LabGrownDiamondGradingReportResults

  type AdditionalStonesData {
    total_stones: String
    stone_type: String
    estimated_clarity_range: String
    estimated_color_range: String
    estimated_total_carat_weight: String
    shape_and_cutting_style: String
  }

  type StampingGraphic {
    description: String
    image: String
  }

  type LabGrownQualityAssessmentResults {
    assessment_result: String!
    carat_weight: String!
    inscriptions: String
    inscription_reference_id: String
    measurements: String!
    shape_and_cutting_style: String!
    inscription_graphics: [InscriptionGraphic]
  }

  type Links {
    pdf: String
    proportions_diagram: String
    plotting_diagram: String
    image: String
    rough_image: String
    rough_video: String
    polished_image: String
    polished_video: String
    dtl_pdf_filename: String
    dttl_pdf_filename: String
    dtlp_pdf_filename: String
    dtlp_image_filename: String
    aset_image: String
    ideal_report_pdf: String
    digital_card: String
    qr_code_image: String
    custom_inscription_image: String
  }

  type ReportAsset {
    asset_type_code: ReportAssetCode!
    asset_type_description: String!
    link: String!
  }

  enum ReportAssetCode {
    REPORT_FACSIMILE_PDF
    PROPORTIONS_DIAGRAM
    PLOTTING_DIAGRAM
    ITEM_IMAGE
    ROUGH_ITEM_IMAGE
    ROUGH_ITEM_VIDEO
    POLISHED_ITEM_IMAGE
    POLISHED_ITEM_VIDEO
    DTL_PDF
    DTTL_PDF
    DTLP_PDF
    DTLP_IMAGE
    ASET_IMAGE
    IDEAL_REPORT_PDF
    DIGITAL_CARD
    QR_CODE_IMAGE
    CUSTOM_INSCRIPTION_IMAGE
  }

  type IndustryDisclosures {
    disclosed_source: DisclosedSource!
  }

  type DisclosedSource {
    name: String!
    code: String!
  }

  union SupplementalReportResults = IdealReportResults

  type IdealReportResults {
    shape_and_cutting_style: String!
    measurements: String!
    carat_weight: String!
    light_performance_grade: String!
    brightness: String!
    fire: String!
    contrast: String!
  }

  type AssociatedReference {
    reference_type_code: AssociatedReferenceTypeCode!
    reference_type_description: String!
    reference_id: String!
  }

  enum AssociatedReferenceTypeCode {
    TRACR
    GIA_JW_RPT
  }

  type Quota {
    remaining: Int!
    buckets: [QuotaBucket]
  }

  type QuotaBucket {
    id: String!
    initial: Int!
    remaining: Int!
    expiration_date: String!
    status: QuotaBucketStatus!
  }

  enum QuotaBucketStatus {
    ACTIVE
    EXHAUSTED
    EXPIRED
    INACTIVE
  }

  type ReportUpdated {
    report_updated: Boolean!
    date_updated: String
  }

  type ChangedReportResults {
    results: [ChangedReportResult]!
    endCursor: String
  }

  type ChangedReportResult {
    report: GradingReport!
  }
`;

/** The executable schema built from {@link giaSchemaSdl}; resolvers come from the root value. */
export const giaSchema: GraphQLSchema = buildSchema(giaSchemaSdl);
