/**
 * The ledger's stone <-> the canonical record. Pure: no I/O, no clock.
 *
 * Lineage: the ledger links stones by Tracr ID, while canonical `lineage` holds bridge IDs, which only the
 * bridge's identity map knows. So `toCanonical` leaves `lineage` unset and keeps the ledger's `parentId` and
 * `childIds` in `extensions.tracr`; the sync engine resolves them to bridge IDs through the identity map
 * (a Tracr ID is `identifiers.tracrId` of the linked stone) and fills `lineage`. On the way back the
 * engine does the reverse: a polished stone to be cut from a rough on the ledger carries the rough's Tracr
 * ID in `extensions.tracr.parentId`.
 *
 * Who holds the stone is a ledger fact, not the bridge's access control: the owner's participant ID and the
 * organisation name the ledger shows for it (`ownerOrgName`, "Kalahari Mining Co.") stay in
 * `extensions.tracr`, and `owner.org` is never set here. Only the bridge sets `owner.org`, from the API key
 * or its participants registry.
 *
 * What else has no canonical home goes to `extensions.tracr`: the assurance
 * level, the box ID, the private price's hash (never the price), the ledger's bookkeeping for the state
 * (`lastTxId`, `stateHash`, `updatedAtHeight`) and event details (see events.ts). Blocks and inclusion
 * proofs are verification material, checked by the client and not part of the record.
 */
import {
  LossReport,
  MappingError,
  parseCountry,
  parseReportDate,
  type Translation,
} from '../../mapping/index.js';
import type { DiamondRecord, Identifiers } from '../../types/diamond.js';
import { eventsFromCanonical, eventsToCanonical } from './events.js';
import { TRACR_ID, type TracrDiamond, type TracrGrading } from './native.js';
import { ledgerCarats, polishedFromCanonical, polishedToCanonical } from './polished.js';

/** The platform name, in `sources`, `extensions` and event `platform`. */
export const TRACR = 'tracr';

/** A bridge ID (`$defs/bridgeId` of the schema): the only registrant reference read back as the record's `id`. */
const BRIDGE_ID = /^tb_[0-9A-Za-z_-]{6,64}$/;

/** The ledger's word for a parcel mixed from several countries. */
const AGGREGATED = 'AGGREGATED';

/**
 * A stone as the ledger serves it -> the canonical record. Throws MappingError naming a value it cannot read.
 * A registration reference that is a bridge ID becomes the record's `id` (which stone the bridge registered);
 * any other reference is kept in `extensions.tracr.externalRef`.
 */
export function toCanonical(native: TracrDiamond): Translation<DiamondRecord> {
  const loss = new LossReport();
  if (native.kind !== 'ROUGH' && native.kind !== 'POLISHED')
    throw new MappingError('/kind', native.kind, 'ROUGH or POLISHED');
  const record: DiamondRecord = { schemaVersion: '1', kind: native.kind === 'ROUGH' ? 'rough' : 'polished' };
  // The bridge registers its stones with their bridge ID, so the feed can tell the bridge's own stones.
  const externalRef = text(native.externalRef);
  if (externalRef !== undefined && BRIDGE_ID.test(externalRef)) record.id = externalRef;

  const identifiers: Identifiers = {};
  if (native.diamondId) identifiers.tracrId = native.diamondId;
  if (native.producerRef) identifiers.producerRef = native.producerRef;
  if (native.kpCertificate) identifiers.kpCertificate = native.kpCertificate;
  if (native.boxId) identifiers.boxId = native.boxId;
  if (native.inscription) identifiers.inscription = native.inscription;
  const giaReport = giaReportNumber(native.grading);
  if (giaReport) identifiers.giaReportNumber = giaReport;
  if (Object.keys(identifiers).length > 0) record.identifiers = identifiers;

  if (native.sourceCountry !== undefined) {
    const parsed = parseCountry(native.sourceCountry, '/sourceCountry');
    record.origin = 'aggregated' in parsed ? { aggregated: true } : { country: parsed.country };
  }
  if (native.mine) record.origin = { ...record.origin, mine: native.mine };
  if (native.caratWeight !== undefined)
    record.rough = { caratWeight: ledgerCarats(native.caratWeight, '/caratWeight') };
  if (native.polished) record.polished = polishedToCanonical(native.polished, '/polished', loss);
  if (native.grading) {
    const { lab, reportNumber, reportDate, reportType } = native.grading;
    record.grading = { lab, reportNumber };
    if (reportDate !== undefined)
      record.grading.reportDate = parseReportDate(reportDate, '/grading/reportDate');
    if (reportType !== undefined) record.grading.reportType = reportType;
  }

  const { events, details } = eventsToCanonical(native.events ?? []);
  if (events.length > 0) record.events = events;
  const extension: Record<string, unknown> = {
    ownerParticipantId: native.owner?.participantId,
    ownerOrgName: native.owner?.org,
    assurance: native.assurance,
    externalRef: externalRef !== undefined && record.id === undefined ? externalRef : undefined,
    parentId: native.parentId ?? undefined,
    childIds: native.childIds?.length ? [...native.childIds] : undefined,
    priceHash: native.privateFields?.price?.hash,
    lastTxId: native.lastTxId,
    stateHash: native.stateHash,
    updatedAtHeight: native.updatedAtHeight,
    events: details.length > 0 ? details : undefined,
  };
  const kept = Object.fromEntries(Object.entries(extension).filter(([, value]) => value !== undefined));
  if (Object.keys(kept).length > 0) record.extensions = { [TRACR]: kept };
  return loss.result(record);
}

/**
 * The canonical record -> the stone as the ledger would hold it. Writes are planned from this (plan.ts), so
 * it is the source of every REGISTER_ROUGH, UPDATE, POLISH, GRADE and INSCRIBE payload. Fields the ledger
 * has no place for are reported; the bridge's own bookkeeping (`sources`, other platforms' extensions)
 * stays with the bridge and is not a loss. The bridge ID travels as the registration's `externalRef`.
 */
export function fromCanonical(record: DiamondRecord): Translation<TracrDiamond> {
  const loss = new LossReport();
  const ext = record.extensions?.[TRACR] ?? {};
  const ids = record.identifiers ?? {};
  const native: TracrDiamond = {
    kind: record.kind === 'polished' ? 'POLISHED' : 'ROUGH',
    parentId: text(ext['parentId']) ?? null,
    childIds: Array.isArray(ext['childIds']) ? ext['childIds'].filter((id) => typeof id === 'string') : [],
    mine: record.origin?.mine ?? null,
    producerRef: ids.producerRef ?? null,
    kpCertificate: ids.kpCertificate ?? null,
    // Written by earlier versions under the ledger's extension; the canonical identifier now.
    boxId: ids.boxId ?? text(ext['boxId']) ?? null,
    polished: record.polished ? polishedFromCanonical(record.polished, loss) : null,
    inscription: ids.inscription ?? null,
    grading: record.grading ? gradingFromCanonical(record.grading) : null,
    events: eventsFromCanonical(record.events ?? [], asList(ext['events']), loss),
    privateFields: text(ext['priceHash']) ? { price: { hash: text(ext['priceHash'])! } } : {},
  };
  // The stone's reference on the ledger: its bridge ID, so a change feed can tell it is the bridge's own.
  const externalRef = record.id ?? text(ext['externalRef']);
  if (externalRef !== undefined) native.externalRef = externalRef;
  if (ids.tracrId !== undefined && TRACR_ID.test(ids.tracrId)) native.diamondId = ids.tracrId;
  else if (ids.tracrId !== undefined)
    loss.dropped(
      '/identifiers/tracrId',
      ids.tracrId,
      'not a diamond ID of this ledger (TRACR- and 12 hex digits)',
    );
  const participantId = text(ext['ownerParticipantId']);
  const ownerOrgName = text(ext['ownerOrgName']);
  if (participantId || ownerOrgName) {
    native.owner = {};
    if (participantId) native.owner.participantId = participantId;
    if (ownerOrgName) native.owner.org = ownerOrgName;
  }
  const assurance = text(ext['assurance']);
  if (assurance) native.assurance = assurance;
  if (record.origin?.aggregated) native.sourceCountry = AGGREGATED;
  else if (record.origin?.country) native.sourceCountry = record.origin.country;
  if (record.rough) native.caratWeight = ledgerCarats(record.rough.caratWeight, '/rough/caratWeight');
  for (const key of ['lastTxId', 'stateHash'] as const) {
    const value = text(ext[key]);
    if (value) native[key] = value;
  }
  if (typeof ext['updatedAtHeight'] === 'number') native.updatedAtHeight = ext['updatedAtHeight'];

  if (record.origin?.producer !== undefined)
    loss.dropped('/origin/producer', record.origin.producer, 'the ledger records no producer name');
  if (ids.roughControlNumber !== undefined)
    loss.dropped(
      '/identifiers/roughControlNumber',
      ids.roughControlNumber,
      'the ledger has no rough control number',
    );
  if (ids.giaReportNumber !== undefined && ids.giaReportNumber !== giaReportNumber(native.grading))
    loss.dropped(
      '/identifiers/giaReportNumber',
      ids.giaReportNumber,
      'the ledger holds a GIA report number only as the grading a lab signed',
    );
  if (record.lineage?.parentId !== undefined && native.parentId === null)
    loss.dropped(
      '/lineage/parentId',
      record.lineage.parentId,
      'a bridge ID; the ledger links stones by Tracr ID, given in extensions.tracr.parentId',
    );
  if (record.lineage?.childIds !== undefined && native.childIds?.length === 0)
    loss.dropped(
      '/lineage/childIds',
      record.lineage.childIds,
      'bridge IDs; the ledger links stones by Tracr ID, given in extensions.tracr.childIds',
    );
  return loss.result(native);
}

/**
 * The body of `GET /v1/diamonds/:id` (proof included, as a person may save it) as the native stone
 * `toCanonical` takes; the proof is verification material and is set aside.
 */
export function readNative(input: unknown): TracrDiamond {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new MappingError('', input, 'a stone as GET /v1/diamonds/:diamondId serves it');
  const { proof: _proof, ...stone } = input as Record<string, unknown>;
  if (stone['kind'] !== 'ROUGH' && stone['kind'] !== 'POLISHED')
    throw new MappingError('/kind', stone['kind'], 'ROUGH or POLISHED');
  return stone as unknown as TracrDiamond;
}

/** The GIA report number a GIA grading on the ledger gives the stone, for cross-platform lookup. */
function giaReportNumber(grading: TracrGrading | null): string | undefined {
  if (!grading || grading.lab.toUpperCase() !== 'GIA' || !/^\d+$/.test(grading.reportNumber))
    return undefined;
  return grading.reportNumber;
}

function gradingFromCanonical(grading: NonNullable<DiamondRecord['grading']>): TracrGrading {
  const out: TracrGrading = { lab: grading.lab, reportNumber: grading.reportNumber };
  if (grading.reportDate !== undefined) out.reportDate = grading.reportDate;
  if (grading.reportType !== undefined) out.reportType = grading.reportType;
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
