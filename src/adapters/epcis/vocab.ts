/**
 * Names the EPCIS adapter writes: GS1's context, the bridge's extension namespace, and the URIs that stand for
 * stones, organisations, ledger transactions and grading reports in an EPCIS document.
 */
import { MappingError } from '../../mapping/errors.js';
import type { DiamondRecord } from '../../types/diamond.js';

/** GS1's JSON-LD context for EPCIS 2.0; every document the bridge writes names it first. */
export const gs1EpcisContext = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** The namespace of the bridge's user extensions, written with the `tb:` prefix. */
export const tracebridgeNamespace = 'https://ns.tracebridge.dev/epcis/';

/** The prefix bound to {@link tracebridgeNamespace} in documents the bridge writes. */
export const tb = 'tb';

/**
 * The root of the bridge's identifier URIs. A diamond has no GS1 key: a GTIN/SGTIN or GIAI would need a GS1
 * Company Prefix licensed to whoever mints it, and the bridge mints IDs for stones it does not own. EPCIS 2.0
 * accepts any URI as an instance identifier (EPCIS 2.0 section 6.1, "private or industry-specific
 * identifiers"), so the stone's identity is an HTTP URI under a domain the bridge controls, which a resolver
 * can later serve, the way a GS1 Digital Link resolves a GTIN.
 */
export const identityRoot = 'https://id.tracebridge.dev/';

/**
 * CBV master data attributes (`cbvmda:countryOfOrigin`), in the URN form GS1's own examples bind. GS1's
 * context defines the prefix too, but an event hash is computed from the prefixes the document itself
 * declares, so an export that uses `cbvmda:` declares it.
 */
export const cbvMasterDataNamespace = 'urn:epcglobal:cbv:mda:';

/** Prefixes the bridge's documents define beside GS1's context. */
export const documentContext = { [tb]: tracebridgeNamespace, cbvmda: cbvMasterDataNamespace } as const;

/** The identifiers, in order of preference, that can name a stone in an EPC when it has no bridge ID yet. */
const stoneKeys = [
  ['tracr', 'tracrId'],
  ['gia', 'giaReportNumber'],
  ['rcn', 'roughControlNumber'],
  ['producer', 'producerRef'],
] as const;

/** The EPC of a stone: its bridge ID, or failing that the first platform identifier it has. */
export function stoneEpc(record: Pick<DiamondRecord, 'id' | 'identifiers'>): string {
  if (record.id !== undefined) return `${identityRoot}diamond/${encodeURIComponent(record.id)}`;
  for (const [scheme, key] of stoneKeys) {
    const value = record.identifiers?.[key];
    if (value !== undefined) return `${identityRoot}diamond/${scheme}/${encodeURIComponent(value)}`;
  }
  throw new MappingError(
    '/id',
    record.id,
    'a bridge ID or an identifier (tracrId, giaReportNumber, ...) to name the stone in EPCIS',
  );
}

/** The EPC of the stone with bridge ID `id`. */
export function stoneEpcOf(id: string): string {
  return `${identityRoot}diamond/${encodeURIComponent(id)}`;
}

/** What a stone EPC says about the stone: its bridge ID or one identifier; undefined for foreign EPCs. */
export function parseStoneEpc(
  epc: string,
): { id: string } | { identifier: (typeof stoneKeys)[number][1]; value: string } | undefined {
  if (!epc.startsWith(`${identityRoot}diamond/`)) return undefined;
  const parts = epc.slice(`${identityRoot}diamond/`.length).split('/').map(decodeURIComponent);
  if (parts.length === 1 && parts[0]) return { id: parts[0] };
  const key = stoneKeys.find(([scheme]) => scheme === parts[0]);
  if (parts.length === 2 && key && parts[1]) return { identifier: key[1], value: parts[1] };
  return undefined;
}

/** An organisation as a party URI (`owning_party`, `possessing_party`). */
export function orgUri(org: string): string {
  return `${identityRoot}org/${encodeURIComponent(org)}`;
}

/** The organisation a party URI names: the bridge's own form decoded, any other URI as written. */
export function parseOrgUri(uri: string): string {
  return uri.startsWith(`${identityRoot}org/`)
    ? decodeURIComponent(uri.slice(`${identityRoot}org/`.length))
    : uri;
}

/** A platform's event reference (a ledger transaction hash) as a business transaction URI. */
export function transactionUri(platform: string, ref: string): string {
  return `${identityRoot}tx/${encodeURIComponent(platform)}/${encodeURIComponent(ref)}`;
}

/**
 * The grading report as a certificate URI for `certificationInfo`: GIA's public Report Check page for GIA
 * reports (anyone can open it to verify the report), the bridge's namespace for other labs.
 */
export function reportUri(lab: string, reportNumber: string): string {
  return lab.toUpperCase() === 'GIA'
    ? `https://www.gia.edu/report-check?reportno=${encodeURIComponent(reportNumber)}`
    : `${identityRoot}report/${encodeURIComponent(lab)}/${encodeURIComponent(reportNumber)}`;
}

/** CBV 2.0 web-vocabulary roots by the field a bare short name sits in (CBV 2.0 section 8.9, rule 16). */
export const cbvRoot = 'https://ref.gs1.org/cbv/';
