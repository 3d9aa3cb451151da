/**
 * A stone's lineage as the caller may see it. A parent or child held by another organisation is not named:
 * it is left out of `lineage` and shown only as "a stone held by another organisation", with no data.
 */
import type { DiamondRecord } from '../types/diamond.js';
import type { Principal } from './auth.js';
import { mayRead } from './routes/diamonds.js';
import type { ApiServices } from './services.js';

/** A relative the caller may not read: its relation to the stone, and no more. */
export interface HiddenRelative {
  relation: 'parent' | 'child';
  heldBy: 'another organisation';
}

/** `record` with only the relatives `principal` may read in its lineage, and the others as hidden relatives. */
export async function readableLineage(
  services: Pick<ApiServices, 'store'>,
  principal: Principal,
  record: DiamondRecord,
): Promise<{ record: DiamondRecord; relatives: HiddenRelative[] }> {
  const { parentId, childIds = [] } = record.lineage ?? {};
  const ids = [...(parentId === undefined ? [] : [parentId]), ...childIds];
  if (ids.length === 0) return { record, relatives: [] };
  const stored = await services.store.diamonds.getMany(ids);
  // A relative the bridge does not hold names no one's stone: it stays as the record gives it.
  const readable = new Set(ids.filter((_, i) => !stored[i] || mayRead(principal, stored[i].record)));
  const hidden = (relation: HiddenRelative['relation']): HiddenRelative => ({
    relation,
    heldBy: 'another organisation',
  });
  const relatives: HiddenRelative[] = [];
  const lineage: NonNullable<DiamondRecord['lineage']> = {};
  if (parentId !== undefined) {
    if (readable.has(parentId)) lineage.parentId = parentId;
    else relatives.push(hidden('parent'));
  }
  const children = childIds.filter((id) => readable.has(id));
  relatives.push(...childIds.filter((id) => !readable.has(id)).map(() => hidden('child')));
  if (children.length > 0) lineage.childIds = children;
  if (relatives.length === 0) return { record, relatives };
  const { lineage: _lineage, ...rest } = record;
  return { record: Object.keys(lineage).length > 0 ? { ...rest, lineage } : rest, relatives };
}
