/**
 * The path analyzer: all §5 engines over floor tracks on event time, sample by sample, for live use and
 * for offline `analyze` alike. Each track gets engine states and a TrackBuffer; its contributions are
 * held until the track ends (closeTrack, a stale timeout in advance(), or finish()) and then added to
 * the bins — or dropped when the track was ever inside a `staff_only` zone (§5 "Staff"). When bins go
 * out live, and what happens to bins a still-open track touched, is bin-release.ts (§5 "Final figures
 * on time"). currentOccupancy() is the provisional live value.
 */
import type { BinData } from './aggregator.js';
import type { AnalyzerCounts, AnalyzerOptions, TrackHandle } from './analyzer-types.js';
import { BinRelease, REVISION_WINDOW_S } from './bin-release.js';
import type { FloorModel } from './floor-model.js';
import { type CompiledPolygon, pointInPolygon } from './geometry.js';
import { type HeatGrid, HeatmapEngine, heatGrid } from './heatmap-engine.js';
import { LineEngine } from './line-engine.js';
import { PresenceEngine } from './presence-engine.js';
import { TrackBuffer } from './track-buffer.js';
import { VisitEngine } from './visit-engine.js';

export type { AnalyzerCounts, AnalyzerOptions, TrackHandle } from './analyzer-types.js';

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
  readonly release: BinRelease;
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
    this.release = new BinRelease(model, this.grid, {
      maxHoldS: options.maxHoldS ?? Number.POSITIVE_INFINITY,
      revisionWindowS: options.revisionWindowS ?? REVISION_WINDOW_S,
      figuresNow: (track) => this.figuresNow(track as TrackHandle),
    });
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
        // Staff from the first sample on: drop what was held, take back what went out, stop analysing.
        track.staff = true;
        track.buffer.clear();
        this.release.trackIsStaff(track);
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
    this.release.trackEnded(track, sink);
    sink.clear();
  }

  /**
   * Live: no sample older than `watermark` (event seconds) will come. Ends tracks silent for longer than
   * the track timeout and returns the bins that go out now — final, or held as long as max_hold_s
   * allows, or revised — oldest first.
   */
  advance(watermark: number): BinData[] {
    let horizon = watermark;
    const open: TrackHandle[] = [];
    for (const bySource of this.tracks.values()) {
      for (const track of [...bySource.values()]) {
        if (track.lastT < watermark - this.trackTimeoutS) this.closeTrack(track);
        else if (!track.staff) {
          open.push(track);
          if (track.firstT < horizon) horizon = track.firstT;
        }
      }
    }
    return this.release.advance(watermark, horizon, open);
  }

  /** Offline (or shutdown): ends every track and returns every bin not yet out and every revised one, oldest first. */
  finish(): BinData[] {
    for (const bySource of this.tracks.values()) for (const track of [...bySource.values()]) this.closeTrack(track);
    return this.release.finish();
  }

  /** A still-open track's figures as if it ended now, except its net-mode crossings (bin-release.ts). */
  private figuresNow(track: TrackHandle): TrackBuffer {
    const buffer = track.buffer.copy();
    this.visits.pending(track.visit, buffer);
    this.presence.pending(track.presence, buffer);
    this.heat.pending(track.heat, buffer);
    return buffer;
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

  /** The tracks open now, staff included (the checkpoint's copy). */
  openTracks(): TrackHandle[] {
    const open: TrackHandle[] = [];
    for (const bySource of this.tracks.values()) open.push(...bySource.values());
    return open;
  }

  activeTracks(): number {
    let n = 0;
    for (const bySource of this.tracks.values()) n += bySource.size;
    return n;
  }
}
