/**
 * One track's figures in one bin, kept apart from the bin's other figures (§5 "Final figures on time"):
 * when a bin is released while a track that touched it is still open, what that track added so far is
 * counted in the bin, and kept as a BinPart so that the bin can be composed again without it (the track
 * proves to be staff) or with its final figures (it ends). Flat number arrays, as in TrackBuffer: a
 * motionless track's part of a bin is one presence interval and one heatmap cell.
 */
import type { BinData } from './aggregator.js';
import type { BinTarget } from './bin-figures.js';
import type { CountedCrossing } from './groups.js';

const sameArray = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export class BinPart {
  /** zone, seconds */
  readonly dwells: number[] = [];
  /** zone, start, end, closed (1/0) */
  readonly presences: number[] = [];
  /** cell, seconds */
  readonly heats: number[] = [];
  /** line, direction, t, x, y */
  readonly counteds: number[] = [];
  readonly transitions: string[] = [];
  readonly paths: string[] = [];
  readonly storeVisits: number[] = [];
  storeOpen = 0;

  /** Adds this part to `bin` (same index); `binS` places the bin's edges for occupancy. */
  addTo(bin: BinData, binS: number): void {
    const { dwells: d, presences: p, heats: h, counteds: c } = this;
    for (let i = 0; i < d.length; i += 2) bin.addDwell(d[i] as number, d[i + 1] as number);
    for (let i = 0; i < p.length; i += 4)
      bin.addPresence(p[i] as number, p[i + 1] as number, p[i + 2] as number, p[i + 3] === 1, binS);
    for (let i = 0; i < h.length; i += 2) bin.addHeat(h[i] as number, h[i + 1] as number);
    for (let i = 0; i < c.length; i += 5) bin.addCounted(c[i] as number, c[i + 1] === 1 ? 1 : -1);
    for (const key of this.transitions) bin.addTransition(key);
    for (const key of this.paths) bin.addPath(key);
    bin.storeVisits.push(...this.storeVisits);
    bin.storeOpen += this.storeOpen;
  }

  /** Its counted crossings, for groups. */
  crossings(): CountedCrossing[] {
    const c = this.counteds;
    const out: CountedCrossing[] = [];
    for (let i = 0; i < c.length; i += 5) {
      const direction = c[i + 1] === 1 ? 1 : -1;
      out.push({
        line: c[i] as number,
        direction,
        t: c[i + 2] as number,
        x: c[i + 3] as number,
        y: c[i + 4] as number,
      });
    }
    return out;
  }

  equals(other: BinPart): boolean {
    return (
      sameArray(this.dwells, other.dwells) &&
      sameArray(this.presences, other.presences) &&
      sameArray(this.heats, other.heats) &&
      sameArray(this.counteds, other.counteds) &&
      sameArray(this.transitions, other.transitions) &&
      sameArray(this.paths, other.paths) &&
      sameArray(this.storeVisits, other.storeVisits) &&
      this.storeOpen === other.storeOpen
    );
  }

  /** Approximate bytes held: 8 per number, 16 per key reference, ~200 for the object and its arrays. */
  heldBytes(): number {
    const numbers =
      this.dwells.length + this.presences.length + this.heats.length + this.counteds.length + this.storeVisits.length;
    return 200 + 8 * numbers + 16 * (this.transitions.length + this.paths.length);
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
    this.part(bin)?.dwells.push(zone, seconds);
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
    this.part(bin)?.presences.push(zone, Math.max(start, binStart), pastEnd ? binEnd : end, pastEnd || closed ? 1 : 0);
  }

  heat(bin: number, cell: number, seconds: number): void {
    this.part(bin)?.heats.push(cell, seconds);
  }

  counted(bin: number, line: number, direction: 1 | -1, t: number, x: number, y: number): void {
    this.part(bin)?.counteds.push(line, direction, t, x, y);
  }

  transition(bin: number, key: string): void {
    this.part(bin)?.transitions.push(key);
  }

  path(bin: number, key: string): void {
    this.part(bin)?.paths.push(key);
  }

  storeVisit(bin: number, seconds: number): void {
    this.part(bin)?.storeVisits.push(seconds);
  }

  storeOpen(bin: number): void {
    const part = this.part(bin);
    if (part !== undefined) part.storeOpen += 1;
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
