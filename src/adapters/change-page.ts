/**
 * Reading the items of one change-feed page, for any adapter: an item that cannot be read for a reason
 * that will not clear by itself (it cannot be mapped, its proof does not hold) is set aside as a rejected
 * change, and the rest of the page is read as usual, so one bad record never holds a feed back. A failure
 * that may clear (a timeout, a 5xx) still fails the whole page, which is read again from the same cursor.
 */
import type { PlatformRecord, RejectedChange } from './contract.js';
import { PlatformError } from './errors.js';
import { MappingError } from '../mapping/errors.js';

/** The page's records in order, and the items set aside with their reasons. */
export interface ReadPage<Native> {
  changes: PlatformRecord<Native>[];
  rejected: RejectedChange[];
}

/**
 * Reads every item of a page with `read` (all at once), keeping order. `refOf` names an item for its
 * rejection; `read` may answer null for an item that is gone.
 */
export async function readChangePage<Item, Native>(
  items: readonly Item[],
  refOf: (item: Item) => string,
  read: (item: Item) => Promise<PlatformRecord<Native> | null>,
): Promise<ReadPage<Native>> {
  const settled = await Promise.allSettled(items.map(read));
  const page: ReadPage<Native> = { changes: [], rejected: [] };
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') {
      if (result.value) page.changes.push(result.value);
      return;
    }
    const error: unknown = result.reason;
    const final =
      error instanceof MappingError || (error instanceof PlatformError && error.failure === 'unrecoverable');
    if (!final) throw error;
    page.rejected.push({ ref: refOf(items[index]!), reason: error.message });
  });
  return page;
}
