/**
 * One track's figures in one bin, kept apart from the bin's other figures (§5 "Final figures on time"):
 * when a bin is released while a track that touched it is still open, what that track added so far is
 * counted in the bin, and kept as a BinPart so that the bin can be composed again without it (the track
 * proves to be staff) or with its final figures (it ends). A motionless track's part of a bin is one
 * presence interval and one heatmap cell.
 */
import type { BinData } from './aggregator.js';
import type { BinTarget } from './bin-figures.js';
import type { CountedCrossing } from './groups.js';

const sameArray = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((v, i) => v === b[i]);

// Record kinds and how many numbers follow the tag.
const DWELL = 0; // zone, seconds
const PRESENCE = 1; // zone, start, end, closed (1/0), clipped to the bin
const HEAT = 2; // cell, seconds
const COUNTED = 3; // line, direction, t, x, y
const STORE_VISIT = 4; // seconds
const STORE_OPEN = 5; // —
const TRANSITION = 6; // index into keys
const PATH = 7; // index into keys
const LENGTH = [2, 4, 2, 5, 1, 0, 1, 1];

/**
 * One flat array of tagged records rather than an array per kind: a part is kept per track and per bin
 * for hours, and most hold two records (a presence interval, a heatmap cell), so one array is a third of
 * the memory of eight mostly empty ones.
 */
export class BinPart {
  readonly records: number[] = [];
  /** Transition and path keys, referenced from their records by index (most parts have none). */
  private keys: string[] | undefined;

  add(kind: number, ...values: number[]): void {
    this.records.push(kind, ...values);
  }

  addKey(kind: typeof TRANSITION | typeof PATH, key: string): void {
    this.keys ??= [];
    this.records.push(kind, this.keys.length);
    this.keys.push(key);
  }

  /** Adds this part to `bin` (same index); `binS` places the bin's edges for occupancy. */
  addTo(bin: BinData, binS: number): void {
    this.each((kind, r, i) => {
      const at = (k: number) => r[i + k] as number;
      if (kind === DWELL) bin.addDwell(at(0), at(1));
      else if (kind === PRESENCE) bin.addPresence(at(0), at(1), at(2), at(3) === 1, binS);
      else if (kind === HEAT) bin.addHeat(at(0), at(1));
      else if (kind === COUNTED) bin.addCounted(at(0), at(1) === 1 ? 1 : -1);
      else if (kind === STORE_VISIT) bin.storeVisits.push(at(0));
      else if (kind === STORE_OPEN) bin.storeOpen += 1;
      else if (kind === TRANSITION) bin.addTransition(this.keys?.[at(0)] as string);
      else bin.addPath(this.keys?.[at(0)] as string);
    });
  }

  /** Its counted crossings, for groups. */
  crossings(): CountedCrossing[] {
    const out: CountedCrossing[] = [];
    this.each((kind, r, i) => {
      if (kind !== COUNTED) return;
      const direction = r[i + 1] === 1 ? 1 : -1;
      out.push({
        line: r[i] as number,
        direction,
        t: r[i + 2] as number,
        x: r[i + 3] as number,
        y: r[i + 4] as number,
      });
    });
    return out;
  }

  equals(other: BinPart): boolean {
    return sameArray(this.records, other.records) && sameArray(this.keys ?? [], other.keys ?? []);
  }

  /** Approximate bytes held: 8 per number, 16 per key, ~120 for the object and its two arrays. */
  heldBytes(): number {
    return 120 + 8 * this.records.length + 16 * (this.keys?.length ?? 0);
  }

  /** Calls `visit` with each record's kind, the records and the index of its first number. */
  private each(visit: (kind: number, records: readonly number[], at: number) => void): void {
    const r = this.records;
    for (let i = 0; i < r.length; ) {
      const kind = r[i] as number;
      visit(kind, r, i + 1);
      i += 1 + (LENGTH[kind] as number);
    }
  }
}

/** A BinTarget collecting one track's figures per bin, for the bins `wanted` accepts. */
export class PartCollector implements BinTarget {
  readonly parts = new Map<number, BinPart>();

  constructor(
    private readonly binS: number,
    private readonly wanted: (bin: number) => boolean,
  ) {}

  dwell(bin: number, zone: number, seconds: number): void {
    this.part(bin)?.add(DWELL, zone, seconds);
  }

  /**
   * Kept clipped to the bin, so that a track's part is the same whatever it does after the bin (an open
   * presence counted early equals the one its end closes); OccupancyBin.add gives clipped and unclipped
   * intervals the same figures.
   */
  presence(bin: number, zone: number, start: number, end: number, closed: boolean): void {
    const binStart = bin * this.binS;
    const binEnd = binStart + this.binS;
    const pastEnd = end > binEnd;
    this.part(bin)?.add(PRESENCE, zone, Math.max(start, binStart), pastEnd ? binEnd : end, pastEnd || closed ? 1 : 0);
  }

  heat(bin: number, cell: number, seconds: number): void {
    this.part(bin)?.add(HEAT, cell, seconds);
  }

  counted(bin: number, line: number, direction: 1 | -1, t: number, x: number, y: number): void {
    this.part(bin)?.add(COUNTED, line, direction, t, x, y);
  }

  transition(bin: number, key: string): void {
    this.part(bin)?.addKey(TRANSITION, key);
  }

  path(bin: number, key: string): void {
    this.part(bin)?.addKey(PATH, key);
  }

  storeVisit(bin: number, seconds: number): void {
    this.part(bin)?.add(STORE_VISIT, seconds);
  }

  storeOpen(bin: number): void {
    this.part(bin)?.add(STORE_OPEN);
  }

  private part(bin: number): BinPart | undefined {
    if (!this.wanted(bin)) return undefined;
    let part = this.parts.get(bin);
    if (part === undefined) {
      part = new BinPart();
      this.parts.set(bin, part);
    }
    return part;
  }
}
