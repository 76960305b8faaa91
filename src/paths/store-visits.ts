/**
 * Store visit duration (issue 3 "store visit duration (entrance in → out)"). From one track's crossings of
 * lines marked `entrance: true`, in time order: an in-crossing while outside starts a visit, the next
 * out-crossing ends it. Decisions, since §5 does not define this figure: every crossing counts here
 * whatever the line's mode (a U-turn at the door is a visit of a few seconds); an in-crossing while
 * already inside and an out-crossing while outside are ignored (the first in and the next out bound the
 * visit); a track that ends inside has an open visit (counted as `open`, no duration); a track that
 * starts inside the store has no known start and its out-crossing makes no visit.
 */

export interface EntranceCrossing {
  direction: 1 | -1;
  t: number;
}

export interface StoreVisit {
  start: number;
  end: number;
}

export interface StoreVisitResult {
  visits: StoreVisit[];
  /** 1 when the track ended inside the store after crossing in. */
  open: number;
}

export function storeVisitsOf(crossings: readonly EntranceCrossing[]): StoreVisitResult {
  const visits: StoreVisit[] = [];
  let inSince: number | null = null;
  for (const c of crossings) {
    if (c.direction === 1 && inSince === null) inSince = c.t;
    else if (c.direction === -1 && inSince !== null) {
      visits.push({ start: inSince, end: c.t });
      inSince = null;
    }
  }
  return { visits, open: inSince === null ? 0 : 1 };
}
