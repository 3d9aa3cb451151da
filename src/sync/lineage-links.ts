/**
 * Lineage across platforms. A platform links a rough to the stones cut from it by its own references (the
 * ledger's `parentId` and `childIds` are Tracr IDs, kept in `extensions.tracr`), while canonical `lineage`
 * holds bridge IDs. Ingestion resolves the native references through the identity map and sets `lineage`;
 * a reference the bridge cannot resolve yet stays only in the extensions, and the link is made from the
 * other side once that stone arrives (see {@link lineageEdges}).
 */
import { IDENTIFIER_NAMES, type IdentifierName, type Store } from '../store/index.js';
import type { DiamondRecord } from '../types/diamond.js';

/** A platform's reference -> the bridge ID of the stone it names, or null when the bridge has none. */
export type RefResolver = (ref: string) => Promise<string | null>;

/** The native lineage `view` carries in `extensions.<platform>`: the parent's and children's references. */
export function nativeLineage(
  view: DiamondRecord,
  platform: string,
): { parentId?: string; childIds: string[] } {
  const native = view.extensions?.[platform];
  if (native === undefined || native === null || typeof native !== 'object') return { childIds: [] };
  const { parentId, childIds } = native as { parentId?: unknown; childIds?: unknown };
  return {
    ...(typeof parentId === 'string' && parentId !== '' ? { parentId } : {}),
    childIds: Array.isArray(childIds)
      ? childIds.filter((id): id is string => typeof id === 'string' && id !== '')
      : [],
  };
}

/**
 * Resolves a reference on `platform` through the identity map, then through the `<platform>Id`
 * identifier index (a Tracr ID the bridge learnt as `identifiers.tracrId` before it linked the ref).
 */
export function identityResolver(store: Store, platform: string): RefResolver {
  const identifier = `${platform}Id`;
  const indexed = (IDENTIFIER_NAMES as readonly string[]).includes(identifier)
    ? (identifier as IdentifierName)
    : undefined;
  return async (ref) =>
    (await store.identity.resolve(platform, ref)) ??
    (indexed === undefined ? null : await store.identity.findByIdentifier(indexed, ref));
}

/**
 * `view` with canonical `lineage` set from its native lineage, as far as `resolve` knows the references.
 * A view without native lineage, or whose references all resolve to nothing, is returned as it was.
 */
export async function withBridgeLineage(
  view: DiamondRecord,
  platform: string,
  resolve: RefResolver,
): Promise<DiamondRecord> {
  const native = nativeLineage(view, platform);
  const parentId = native.parentId === undefined ? null : await resolve(native.parentId);
  const childIds: string[] = [];
  for (const ref of native.childIds) {
    const id = await resolve(ref);
    if (id !== null && !childIds.includes(id)) childIds.push(id);
  }
  if (parentId === null && childIds.length === 0) return view;
  return {
    ...view,
    lineage: {
      ...view.lineage,
      ...(parentId === null ? {} : { parentId }),
      ...(childIds.length === 0 ? {} : { childIds }),
    },
  };
}

/** One parent-to-child link that both stones' records should show. */
export interface LineageEdge {
  parentId: string;
  childId: string;
}

/** Every parent-to-child link `record` (stored as `id`) declares, from either side. */
export function lineageEdges(id: string, record: DiamondRecord): LineageEdge[] {
  const edges: LineageEdge[] = [];
  const { parentId, childIds = [] } = record.lineage ?? {};
  if (parentId !== undefined) edges.push({ parentId, childId: id });
  for (const childId of childIds) edges.push({ parentId: id, childId });
  return edges;
}

/**
 * `record` (stored as `id`) with the side of `edge` that concerns it filled in: its parent when it is the
 * child, the child added to its children when it is the parent. Null when it already shows the link, or
 * when it names a different parent (a contradiction the reconciler reports, not something to overwrite).
 */
export function withEdge(id: string, record: DiamondRecord, edge: LineageEdge): DiamondRecord | null {
  const lineage = record.lineage ?? {};
  if (edge.childId === id) {
    if (lineage.parentId !== undefined) return null;
    return { ...record, lineage: { ...lineage, parentId: edge.parentId } };
  }
  if (edge.parentId !== id || (lineage.childIds ?? []).includes(edge.childId)) return null;
  return { ...record, lineage: { ...lineage, childIds: [...(lineage.childIds ?? []), edge.childId] } };
}
