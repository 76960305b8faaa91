/**
 * Bins released before they were final (§5 "Final figures on time"), kept until they are: a bin goes out
 * at most max_hold_s after its end even while a customer track that began before its end is still open.
 * Each such bin is kept as its base (the figures of tracks that have ended, and final groups) plus one
 * BinPart per track still open — what that track had added when the bin went out. When the track proves
 * to be staff its parts are removed; when it ends, its final figures go into the base instead; either way
 * the bins whose figures changed go out again, marked `revised`, and the store writes the new figures
 * over the old ones (src/aggregate/README.md "Uplink records": a new revision for the cloud).
 *
 * A bin is settled — dropped from here, its last figures kept for good — once no track that could still
 * change it is open, or at the latest the revision window after its end (analyzer.ts). Memory is thus
 * bounded by the bins of that window: per bin its base, per open track a small part.
 */
import type { BinData } from './aggregator.js';
import type { BinPart } from './bin-part.js';
import type { CountedCrossing } from './groups.js';

/** A track, by identity (the analyzer's TrackHandle). */
export type TrackKey = object;

interface Revisable {
  base: BinData;
  /** Per open track (provisional: its crossings are not in the group linker yet). */
  parts: Map<TrackKey, BinPart>;
  /** groupsIn then groupsOut as last handed on; null before the first time. */
  sentGroups: Int32Array | null;
  dirty: boolean;
}

/** Group counts per bin that are not final yet: bin index → per line, [in, out]. */
export type ProvisionalGroups = ReadonlyMap<number, readonly [number, number][]>;

export class RevisableBins {
  private readonly bins = new Map<number, Revisable>();
  private readonly byTrack = new Map<TrackKey, Set<number>>();
  /** Changes whenever the provisional crossings (parts of open tracks) change. */
  version = 0;

  constructor(
    private readonly binS: number,
    private readonly empty: (index: number) => BinData,
  ) {}

  get size(): number {
    return this.bins.size;
  }

  /** Keeps a bin that goes out now; `base` holds the figures of the tracks that ended before. */
  retain(base: BinData): void {
    this.bins.set(base.index, { base, parts: new Map(), sentGroups: null, dirty: true });
  }

  /** The base of released bin `index`; created empty when nothing of it went out yet. */
  base(index: number): BinData {
    return this.entry(index).base;
  }

  /** The bins a track has parts in. */
  binsOf(track: TrackKey): ReadonlySet<number> | undefined {
    return this.byTrack.get(track);
  }

  /** What a still-open track has added to released bin `index`, counted in it (provisional). */
  hold(index: number, track: TrackKey, part: BinPart): void {
    this.entry(index).parts.set(track, part);
    let set = this.byTrack.get(track);
    if (set === undefined) {
      set = new Set();
      this.byTrack.set(track, set);
    }
    set.add(index);
    this.version += 1;
  }

  /**
   * The track ended: `part` (undefined: nothing) is its final figure in released bin `index`. It goes
   * into the base, where no later change can reach it, so a bin keeps parts of open tracks only; the bin
   * goes out again if that differs from what was counted.
   */
  ended(index: number, track: TrackKey, part: BinPart | undefined): void {
    if (part === undefined && !this.bins.has(index)) return;
    const bin = this.entry(index);
    const before = bin.parts.get(track);
    if (before !== undefined) {
      bin.parts.delete(track);
      this.version += 1;
    }
    const same = part === undefined ? before === undefined : before?.equals(part) === true;
    if (!same) bin.dirty = true;
    part?.addTo(bin.base, this.binS);
  }

  /** The track proved staff: its part of released bin `index` is taken out. */
  drop(index: number, track: TrackKey): void {
    const bin = this.bins.get(index);
    if (bin === undefined || !bin.parts.delete(track)) return;
    bin.dirty = true;
    this.version += 1;
  }

  /** The track is done with (ended, or staff): forgets which bins it has parts in. */
  forget(track: TrackKey): void {
    this.byTrack.delete(track);
  }

  /** Counted crossings of open tracks' parts: provisional members of groups. */
  openCrossings(): CountedCrossing[] {
    const out: CountedCrossing[] = [];
    for (const bin of this.bins.values()) for (const part of bin.parts.values()) out.push(...part.crossings());
    return out;
  }

  /**
   * The bins whose figures changed since they last went out (or never went out), composed with the
   * provisional groups; then drops every bin ending at or before `settledUntil`. Returns the bins in
   * index order and how many parts of still-open tracks were settled with their bins.
   */
  take(groups: ProvisionalGroups, settledUntil: number): { bins: BinData[]; frozen: number } {
    const out: BinData[] = [];
    let frozen = 0;
    for (const [index, bin] of [...this.bins].sort((a, b) => a[0] - b[0])) {
      const counts = groupCounts(bin.base, groups.get(index));
      if (bin.dirty || bin.sentGroups === null || !counts.every((n, i) => n === bin.sentGroups?.[i])) {
        out.push(this.compose(index, bin, counts));
        bin.dirty = false;
        bin.sentGroups = counts;
      }
      if ((index + 1) * this.binS > settledUntil) continue;
      for (const track of bin.parts.keys()) {
        frozen += 1;
        this.byTrack.get(track)?.delete(index);
      }
      this.bins.delete(index);
      this.version += 1;
    }
    return { bins: out, frozen };
  }

  private entry(index: number): Revisable {
    let bin = this.bins.get(index);
    if (bin === undefined) {
      bin = { base: this.empty(index), parts: new Map(), sentGroups: null, dirty: true };
      this.bins.set(index, bin);
    }
    return bin;
  }

  /** Approximate bytes held for revisions: the bases' heatmap rows and the parts. */
  heldBytes(): number {
    let bytes = 0;
    for (const bin of this.bins.values()) {
      bytes += 400 + (bin.base.heat?.byteLength ?? 0);
      for (const part of bin.parts.values()) bytes += part.heldBytes();
    }
    return bytes;
  }

  private compose(index: number, bin: Revisable, groups: Int32Array): BinData {
    const data = this.empty(index);
    data.addAll(bin.base);
    for (const part of bin.parts.values()) part.addTo(data, this.binS);
    const lines = data.groupsIn.length;
    data.groupsIn.set(groups.subarray(0, lines));
    data.groupsOut.set(groups.subarray(lines));
    data.revised = bin.sentGroups !== null;
    return data;
  }
}

/** groupsIn then groupsOut of `base` plus the provisional groups of its bin. */
function groupCounts(base: BinData, provisional: readonly [number, number][] | undefined): Int32Array {
  const lines = base.groupsIn.length;
  const counts = new Int32Array(lines * 2);
  counts.set(base.groupsIn);
  counts.set(base.groupsOut, lines);
  provisional?.forEach(([into, out], line) => {
    counts[line] = (counts[line] as number) + into;
    counts[lines + line] = (counts[lines + line] as number) + out;
  });
  return counts;
}
