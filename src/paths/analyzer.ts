/**
 * The path analyzer: all §5 engines over floor tracks on event time, sample by sample, for live use and
 * for offline `analyze` alike. Each track gets engine states and a TrackBuffer; its contributions are
 * held until the track ends (closeTrack, a stale timeout in advance(), or finish()) and then added to
 * the bins — or dropped when the track was ever inside a `staff_only` zone (§5 "Staff").
 * Live handling of staff, documented because §5 defines staff over the whole track: figures of a track
 * are final only when it ends, so a bin is released once no active track started before its end
 * (horizon = min(watermark, first sample of every active customer track)) and no group that could still
 * grow began in it. A long-lived customer track therefore delays its bins; a track known to be staff
 * stops holding anything and delays nothing. currentOccupancy() is the provisional live value.
 */
import { BinAggregator, type BinData } from './aggregator.js';
import type { FloorModel } from './floor-model.js';
import { type CompiledPolygon, pointInPolygon } from './geometry.js';
import { GroupLinker } from './groups.js';
import { type HeatGrid, HeatmapEngine, type HeatState, heatGrid } from './heatmap-engine.js';
import { LineEngine, type LineState } from './line-engine.js';
import { PresenceEngine, type PresenceState } from './presence-engine.js';
import { TrackBuffer } from './track-buffer.js';
import { VisitEngine, type VisitState } from './visit-engine.js';

export interface TrackHandle {
  readonly source: string;
  readonly id: string;
  readonly firstT: number;
  lastT: number;
  samples: number;
  staff: boolean;
  closed: boolean;
  readonly visit: VisitState;
  readonly presence: PresenceState;
  readonly heat: HeatState;
  readonly line: LineState;
  readonly buffer: TrackBuffer;
}

export interface AnalyzerOptions {
  /** Live: a track with no sample for this long (event time) has ended. Default 10 s. */
  trackTimeoutS?: number;
}

export interface AnalyzerCounts {
  tracks: number;
  samples: number;
  staffTracks: number;
  /** Samples refused: not finite, or older than the track's newest sample (live only; files are sorted). */
  refused: number;
  firstT: number;
  lastT: number;
}

export class FloorAnalyzer {
  readonly grid: HeatGrid;
  readonly counts: AnalyzerCounts = {
    tracks: 0,
    samples: 0,
    staffTracks: 0,
    refused: 0,
    firstT: Number.POSITIVE_INFINITY,
    lastT: Number.NEGATIVE_INFINITY,
  };
  private readonly visits: VisitEngine;
  private readonly presence: PresenceEngine;
  private readonly heat: HeatmapEngine;
  private readonly line: LineEngine;
  private readonly aggregator: BinAggregator;
  private readonly groups: GroupLinker;
  private readonly tracks = new Map<string, Map<string, TrackHandle>>();
  private readonly inside: Uint8Array;
  private readonly staffZones: number[];
  private readonly polygons: CompiledPolygon[];
  private readonly trackTimeoutS: number;

  constructor(
    readonly model: FloorModel,
    options: AnalyzerOptions = {},
  ) {
    this.grid = heatGrid(model);
    this.visits = new VisitEngine(model.zones);
    this.presence = new PresenceEngine(model.zones);
    this.heat = new HeatmapEngine(this.grid, model.maxGapS, model.binS);
    this.line = new LineEngine(model.lines);
    this.aggregator = new BinAggregator(model, this.grid);
    this.groups = new GroupLinker(model.groupWindowS, model.groupDistanceM);
    this.inside = new Uint8Array(model.zones.length);
    this.polygons = model.zones.map((zone) => zone.polygon);
    this.staffZones = model.zones.filter((z) => z.kind === 'staff_only').map((z) => z.index);
    this.trackTimeoutS = options.trackTimeoutS ?? 10;
  }

  /** The track `id` of `source`, created on first use. Keep the handle to push without a lookup. */
  track(source: string, id: string, t: number): TrackHandle {
    let bySource = this.tracks.get(source);
    if (bySource === undefined) {
      bySource = new Map();
      this.tracks.set(source, bySource);
    }
    let handle = bySource.get(id);
    if (handle === undefined) {
      handle = {
        source,
        id,
        firstT: t,
        lastT: t,
        samples: 0,
        staff: false,
        closed: false,
        visit: this.visits.createState(),
        presence: this.presence.createState(),
        heat: this.heat.createState(),
        line: this.line.createState(),
        buffer: new TrackBuffer(),
      };
      bySource.set(id, handle);
      this.counts.tracks += 1;
    }
    return handle;
  }

  /** One sample; false when refused (non-finite, or older than the track's newest sample). */
  push(source: string, id: string, t: number, x: number, y: number): boolean {
    if (!Number.isFinite(t) || !Number.isFinite(x) || !Number.isFinite(y)) {
      // Refused before a track exists for it, so a bad first sample cannot leave a track that never ends.
      this.counts.refused += 1;
      return false;
    }
    return this.pushTo(this.track(source, id, t), t, x, y);
  }

  pushTo(track: TrackHandle, t: number, x: number, y: number): boolean {
    if (
      track.closed ||
      !Number.isFinite(t) ||
      !Number.isFinite(x) ||
      !Number.isFinite(y) ||
      (track.samples > 0 && t < track.lastT)
    ) {
      this.counts.refused += 1;
      return false;
    }
    track.lastT = t;
    track.samples += 1;
    const counts = this.counts;
    counts.samples += 1;
    if (t < counts.firstT) counts.firstT = t;
    if (t > counts.lastT) counts.lastT = t;
    if (track.staff) return true;
    const inside = this.inside;
    const polygons = this.polygons;
    for (let z = 0; z < polygons.length; z++) inside[z] = pointInPolygon(polygons[z] as CompiledPolygon, x, y) ? 1 : 0;
    const staffZones = this.staffZones;
    for (let k = 0; k < staffZones.length; k++) {
      if (inside[staffZones[k] as number] === 1) {
        // Staff from the first sample on: drop what was held and stop analysing this track.
        track.staff = true;
        track.buffer.clear();
        return true;
      }
    }
    const sink = track.buffer;
    this.visits.onSample(track.visit, t, inside, sink);
    this.presence.onSample(track.presence, t, inside, sink);
    this.heat.onSample(track.heat, t, x, y, sink);
    this.line.onSample(track.line, t, x, y, sink);
    return true;
  }

  /** The track ended: its figures are final and go to the bins unless it is staff. */
  closeTrack(track: TrackHandle): void {
    if (track.closed) return;
    track.closed = true;
    this.tracks.get(track.source)?.delete(track.id);
    if (track.staff) {
      this.counts.staffTracks += 1;
      return;
    }
    const sink = track.buffer;
    this.visits.close(track.visit, sink);
    this.presence.close(track.presence, sink);
    this.heat.close(track.heat, sink);
    this.line.close(track.line, sink);
    this.aggregator.addTrack(sink, track.lastT);
    const c = sink.counteds;
    for (let i = 0; i < c.length; i += 5) {
      this.groups.add({
        line: c[i] as number,
        direction: c[i + 1] === 1 ? 1 : -1,
        t: c[i + 2] as number,
        x: c[i + 3] as number,
        y: c[i + 4] as number,
      });
    }
    sink.clear();
  }

  /**
   * Live: no sample older than `watermark` (event seconds) will come. Ends tracks silent for longer than
   * the track timeout and returns the bins that are now final, oldest first.
   */
  advance(watermark: number): BinData[] {
    let horizon = watermark;
    for (const bySource of this.tracks.values()) {
      for (const track of [...bySource.values()]) {
        if (track.lastT < watermark - this.trackTimeoutS) this.closeTrack(track);
        else if (!track.staff && track.firstT < horizon) horizon = track.firstT;
      }
    }
    for (const group of this.groups.release(horizon)) this.aggregator.addGroup(group);
    const pendingGroups = this.groups.earliestPending();
    const binS = this.model.binS;
    return this.aggregator.take((k) => (k + 1) * binS < horizon && (k + 1) * binS <= pendingGroups);
  }

  /** Offline (or shutdown): ends every track and returns every bin, oldest first. */
  finish(): BinData[] {
    for (const bySource of this.tracks.values()) for (const track of [...bySource.values()]) this.closeTrack(track);
    for (const group of this.groups.release(Number.POSITIVE_INFINITY)) this.aggregator.addGroup(group);
    return this.aggregator.take(() => true);
  }

  /** Provisional live occupancy per zone at `now`: tracks not (yet) known as staff, §5 definition. */
  currentOccupancy(now: number): number[] {
    const result = new Array<number>(this.model.zones.length).fill(0);
    for (const bySource of this.tracks.values()) {
      for (const track of bySource.values()) {
        if (track.staff || track.lastT > now) continue;
        for (const zone of this.model.zones) {
          if (track.presence.present[zone.index] === 1 && now - track.lastT <= zone.staleS)
            result[zone.index] = (result[zone.index] as number) + 1;
        }
      }
    }
    return result;
  }

  activeTracks(): number {
    let n = 0;
    for (const bySource of this.tracks.values()) n += bySource.size;
    return n;
  }
}
