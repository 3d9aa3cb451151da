/**
 * The model: what the bridge acknowledged (a 202) for each stone of one sequence, and what other
 * participants did to it on the platforms. The invariants compare the platforms with it.
 */

/** The content a producer registers for a rough stone, and that both platforms carry. */
export interface RoughContent {
  roughControlNumber: string;
  producerRef?: string;
  kpCertificate?: string;
  country: string;
  mine: string;
  caratWeight: number;
}

/** One stone of the sequence. */
export interface ModelStone {
  /** Its rough control number: unique per stone, the producer's own reference. */
  readonly key: string;
  /** The bridge ID from the first 202. */
  id: string;
  /** The last content the bridge acknowledged. */
  acked: RoughContent;
  /** Who holds it on the ledger: the bridge's producer until a transfer outside the bridge. */
  custodian: string;
  /** Its Tracr ID once the test has seen it on the ledger (only known after a ledger act). */
  tracrId?: string;
  /** A lineage act was done on the ledger (split or polish): the rough is no longer an unsplit rough. */
  cut?: 'split' | 'polished';
  /** The lab's report of a stone cut from it, and its current colour grade. */
  report?: { number: string; colorGrade: string };
}

/** A signed webhook delivery the sender still owes the bridge, because no attempt was answered 200. */
export interface OwedDelivery {
  platform: string;
  body: string;
  timestamp: number;
  signature: string;
  /** A replay refusal (409) for a delivery whose ingestion never succeeded: the change was lost. */
  refusedAsReplay: boolean;
}

/** The model of one sequence. */
export interface Model {
  /** The sequence's number: makes its references unique across the shared world. */
  readonly run: number;
  /** The most stones the sequence registers. */
  readonly maxStones: number;
  readonly stones: ModelStone[];
  /** Deliveries that were not answered 200, to send again once the platforms answer. */
  readonly owed: OwedDelivery[];
  /** Signatures of the deliveries answered 200: a byte-identical one sent again is the same delivery. */
  readonly received: Set<string>;
  /** Ledger height before the sequence's first command. */
  readonly startHeight: number;
  /** Bridge IDs stored before the sequence began; every other stored stone is the sequence's. */
  readonly storedBefore: ReadonlySet<string>;
}

/** The intake's country names for the origins the generator uses (GIA prints the English name). */
export const countryNames: Readonly<Record<string, string>> = {
  BW: 'Botswana',
  CA: 'Canada',
  ZA: 'South Africa',
  NA: 'Namibia',
  AU: 'Australia',
};

/** The canonical record the producer posts for `content`. */
export function roughRecord(content: RoughContent, id?: string): Record<string, unknown> {
  return {
    schemaVersion: '1',
    ...(id === undefined ? {} : { id }),
    kind: 'rough',
    identifiers: {
      roughControlNumber: content.roughControlNumber,
      ...(content.producerRef === undefined ? {} : { producerRef: content.producerRef }),
      ...(content.kpCertificate === undefined ? {} : { kpCertificate: content.kpCertificate }),
    },
    origin: { country: content.country, producer: 'Demo Mining', mine: content.mine },
    rough: { caratWeight: content.caratWeight },
  };
}
