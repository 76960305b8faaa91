/**
 * When bins go out (ARCHITECTURE §5 "Staff", "Final figures on time"). A bin is final once no customer
 * track that began before its end is still open and no group that could still grow began in it (a track
 * is staff from its first sample if it is ever in a staff_only zone, so its figures are known only when
 * it ends). One motionless person, or a camera's static false positive, would then hold every later bin,
 * so a bin goes out at the latest `maxHoldS` after its end (event time), with what the open tracks that
 * touched it had added by then ("as if they ended now", less the two figures only an end decides: a
 * net-mode crossing and an open store visit). Those bins stay revisable (revisable-bins.ts): the track
 * proves staff → its parts go; it ends → its final figures replace them; the changed bins go out again.
 *
 * Two boundaries, multiples of bin_s in event seconds, only ever moving forward:
 *   settledUntil — bins ending at or before it are final (the rule above), or older than the revision
 *                  window: a track open longer than that no longer holds or revises anything before it;
 *   releasedUntil — bins ending at or before it have gone out: max(settledUntil, watermark − maxHoldS).
 */
import { BinAggregator, type BinData } from './aggregator.js';
import { addTrackFigures } from './bin-figures.js';
import { PartCollector } from './bin-part.js';
import type { FloorModel } from './floor-model.js';
import { type Group, GroupLinker } from './groups.js';
import type { HeatGrid } from './heatmap-engine.js';
import { type ProvisionalGroups, RevisableBins, type TrackKey } from './revisable-bins.js';
import type { TrackBuffer } from './track-buffer.js';

/**
 * How long a released bin stays revisable (a decision): long enough to take back a staff member who
 * stood at a counter for a morning before going to the staff room, short enough that the bins kept
 * (their base, a heatmap row each) stay a few MB. A track open longer than this no longer holds or
 * revises bins older than it; its figures in them are final as they went out.
 */
export const REVISION_WINDOW_S = 4 * 3600;

export interface ReleaseOptions {
  /** A bin goes out at most this long after its end; Infinity (offline) waits for every track. */
  maxHoldS: number;
  /** Released bins stay revisable until this long after their end (at least maxHoldS). */
  revisionWindowS: number;
  /** An open track's figures as if it ended now, less its net-mode crossings (the analyzer's engines). */
  figuresNow(track: OpenTrack): TrackBuffer;
}

export interface ReleaseCounts {
  /** Tracks whose figures were counted in a bin that went out while they were still open. */
  heldTracks: number;
  /** Bins handed on again with changed figures. */
  revisedBins: number;
  /** Parts of still-open tracks that became final with their bin at the end of the revision window. */
  frozenParts: number;
}

/** A track as the release sees it (the analyzer's TrackHandle): by identity, with its time span. */
export interface OpenTrack {
  readonly firstT: number;
  readonly lastT: number;
}

export class BinRelease {
  readonly counts: ReleaseCounts = { heldTracks: 0, revisedBins: 0, frozenParts: 0 };
  releasedUntil = Number.NEGATIVE_INFINITY;
  settledUntil = Number.NEGATIVE_INFINITY;
  /** The bins not out yet and the crossings whose groups may still grow: what a checkpoint keeps. */
  readonly aggregator: BinAggregator;
  readonly groups: GroupLinker;
  private readonly revisable: RevisableBins;
  private readonly binS: number;
  private provisional: { key: string; groups: ProvisionalGroups } = { key: '', groups: new Map() };

  constructor(
    private readonly model: FloorModel,
    grid: HeatGrid,
    private readonly options: ReleaseOptions,
  ) {
    this.binS = model.binS;
    const aggregator = new BinAggregator(model, grid);
    this.aggregator = aggregator;
    this.groups = new GroupLinker(model.groupWindowS, model.groupDistanceM);
    this.revisable = new RevisableBins(model.binS, (index) => aggregator.empty(index));
  }

  /** Bins kept for revision now. */
  get revisableBins(): number {
    return this.revisable.size;
  }

  /** Roughly how many bytes the bins kept for revision hold (for the figures in the README). */
  revisableBytes(): number {
    return this.revisable.heldBytes();
  }

  /** A customer track ended; `buffer` holds all its figures. */
  trackEnded(track: OpenTrack, buffer: TrackBuffer): void {
    const binS = this.binS;
    const kept = this.revisable.binsOf(track);
    if (track.firstT >= this.releasedUntil && kept === undefined) {
      // Nothing of it went out: every figure goes to bins still held (the usual case).
      addTrackFigures(this.model, buffer, track.lastT, true, this.aggregator);
    } else {
      const collector = new PartCollector(binS, () => true);
      addTrackFigures(this.model, buffer, track.lastT, true, collector);
      const gone = new Set(kept);
      for (const [index, part] of collector.parts) {
        const end = (index + 1) * binS;
        if (end > this.releasedUntil) part.addTo(this.aggregator.bin(index), binS);
        else if (end > this.settledUntil) this.revisable.ended(index, track, part);
        gone.delete(index);
      }
      for (const index of gone) this.revisable.ended(index, track, undefined);
      this.revisable.forget(track);
    }
    const c = buffer.counteds;
    for (let i = 0; i < c.length; i += 5) {
      const t = c[i + 2] as number;
      // A crossing in a settled bin could only change groups nobody will see again.
      if ((Math.floor(t / binS) + 1) * binS <= this.settledUntil) continue;
      this.groups.add({
        line: c[i] as number,
        direction: c[i + 1] === 1 ? 1 : -1,
        t,
        x: c[i + 3] as number,
        y: c[i + 4] as number,
      });
    }
  }

  /** The track proved staff (§5): what it added to bins that went out is taken back. */
  trackIsStaff(track: TrackKey): void {
    for (const index of this.revisable.binsOf(track) ?? []) this.revisable.drop(index, track);
    this.revisable.forget(track);
  }

  /**
   * Live: no sample older than `watermark` will come; `open` are the open customer tracks and `horizon`
   * is min(watermark, their first samples). Returns the bins that go out, first or again, in index order.
   */
  advance(watermark: number, horizon: number, open: readonly OpenTrack[]): BinData[] {
    const binS = this.binS;
    const settleHorizon = Math.max(horizon, watermark - Math.max(this.options.revisionWindowS, this.options.maxHoldS));
    for (const group of this.groups.release(settleHorizon)) this.addGroup(group);
    const settled = Math.max(
      this.settledUntil,
      Math.min((Math.ceil(settleHorizon / binS) - 1) * binS, Math.floor(this.groups.earliestPending() / binS) * binS),
    );
    const released = Math.max(
      this.releasedUntil,
      settled,
      Math.floor((watermark - this.options.maxHoldS) / binS) * binS,
    );
    const out = released > this.releasedUntil ? this.release(released, settled, open) : [];
    this.settledUntil = settled;
    const { bins, frozen } = this.revisable.take(this.provisionalGroups(), settled);
    this.counts.frozenParts += frozen;
    out.push(...bins.map((bin) => this.count(bin)));
    return out.sort((a, b) => a.index - b.index);
  }

  /** Offline, or at shutdown, after every track ended: every bin not yet out, and every changed one. */
  finish(): BinData[] {
    for (const group of this.groups.release(Number.POSITIVE_INFINITY)) this.addGroup(group);
    const revised = this.revisable.take(new Map(), Number.POSITIVE_INFINITY).bins.map((bin) => this.count(bin));
    return [...revised, ...this.aggregator.take(() => true)].sort((a, b) => a.index - b.index);
  }

  /** Bins ending up to `released` go out: final up to `settled`, the rest with the open tracks' parts. */
  private release(released: number, settled: number, open: readonly OpenTrack[]): BinData[] {
    const binS = this.binS;
    const from = this.releasedUntil;
    const held: [OpenTrack, PartCollector][] = [];
    for (const track of open) {
      if (track.firstT >= released) continue;
      const collector = new PartCollector(binS, (k) => (k + 1) * binS > from && (k + 1) * binS <= released);
      addTrackFigures(this.model, this.options.figuresNow(track), track.lastT, false, collector);
      if (collector.parts.size > 0) held.push([track, collector]);
    }
    // Parts of bins settling at once (a track open longer than the revision window) are final at once.
    for (const [, collector] of held)
      for (const [index, part] of collector.parts) {
        if ((index + 1) * binS > settled) continue;
        part.addTo(this.aggregator.bin(index), binS);
        this.counts.frozenParts += 1;
      }
    const out: BinData[] = [];
    for (const bin of this.aggregator.take((k) => (k + 1) * binS <= released)) {
      if ((bin.index + 1) * binS <= settled) out.push(bin);
      else this.revisable.retain(bin);
    }
    for (const [track, collector] of held) {
      if (this.revisable.binsOf(track) === undefined) this.counts.heldTracks += 1;
      for (const [index, part] of collector.parts)
        if ((index + 1) * binS > settled) this.revisable.hold(index, track, part);
    }
    this.releasedUntil = released;
    return out;
  }

  /** A final group: to its bin, held here, revisable, or (settled already) nowhere. */
  private addGroup(group: Group): void {
    const index = Math.floor(group.t / this.binS);
    const end = (index + 1) * this.binS;
    if (end > this.releasedUntil) this.aggregator.addGroup(group);
    else if (end > this.settledUntil) this.revisable.base(index).addGroup(group.line, group.direction);
  }

  /** Groups of pending crossings and open tracks' crossings, per bin; recomputed only when either changed. */
  private provisionalGroups(): ProvisionalGroups {
    if (this.revisable.size === 0) return new Map();
    const key = `${this.groups.version}/${this.revisable.version}`;
    if (this.provisional.key === key) return this.provisional.groups;
    const lines = this.model.lines.length;
    const groups = new Map<number, [number, number][]>();
    for (const group of this.groups.provisional(this.revisable.openCrossings())) {
      const index = Math.floor(group.t / this.binS);
      let counts = groups.get(index);
      if (counts === undefined) {
        counts = Array.from({ length: lines }, (): [number, number] => [0, 0]);
        groups.set(index, counts);
      }
      const pair = counts[group.line] as [number, number];
      pair[group.direction === 1 ? 0 : 1] += 1;
    }
    this.provisional = { key, groups };
    return groups;
  }

  private count(bin: BinData): BinData {
    if (bin.revised) this.counts.revisedBins += 1;
    return bin;
  }
}
