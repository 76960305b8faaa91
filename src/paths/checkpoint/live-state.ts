/**
 * The live analysis state a checkpoint keeps (issue 8 "A crash loses seconds, not bins"), taken from
 * the running pipeline and put back into a fresh one at start:
 *   - the bins not out yet (ended tracks' figures, held until final or max_hold_s, §5),
 *   - the crossings whose groups may still grow,
 *   - every open journey: its camera tracks and its analyzer track (engine states and held figures),
 *   - the watermark, the frame time reached, where bins went out up to, how many journeys were numbered.
 * Bins that went out stay as they went out: the store has them. A restarted gateway does not keep them
 * for revision — they settle at restore (settledUntil = releasedUntil), so a restored track that ends
 * adds its final figures only to bins not out yet (README "Checkpoint").
 */
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../../config/schema.js';
import type { FloorAnalyzer, TrackHandle } from '../analyzer.js';
import type { FloorModel } from '../floor-model.js';
import type { FrameQueue } from '../live/frame-queue.js';
import type { JourneyStitcher } from '../live/journey-stitcher.js';
import type { JourneyTracks } from '../live/journey-tracks.js';
import type { Journey } from '../live/journey-types.js';
import { type BinState, binState, restoreBin } from './bin-state.js';
import { type JourneyState, journeyState, restoreJourney } from './journey-state.js';
import { fromMilli, milli, Scale } from './scale.js';
import { restoreTrack, trackState } from './track-state.js';

export const CHECKPOINT_VERSION = 1;

export interface CheckpointState {
  version: number;
  /** Fingerprint of the floor and bin_s the figures belong to (zone and line indices, grid cells). */
  floor: string;
  /** Whole event second the times count from (scale.ts). */
  base: number;
  /** Newest reading and watermark, epoch ms. */
  newestTs: number;
  watermarkTs: number;
  /** Newest frame taken by the stitcher (scaled). */
  frontier: number;
  /** Event s, a bin edge: bins ending at or before it went out. Null: none yet. */
  releasedUntil: number | null;
  journeysSoFar: number;
  bins: BinState[];
  /** line, direction, t, x, y per crossing not yet in a final group. */
  pending: number[];
  journeys: JourneyState[];
}

/** The parts of the running pipeline the state is taken from and put back into. */
export interface LiveParts {
  model: FloorModel;
  analyzer: FloorAnalyzer;
  stitcher: JourneyStitcher;
  sink: JourneyTracks;
  queue: FrameQueue;
  newestTs: number;
  watermarkTs: number;
}

/** What was restored, for the bridge over the time the gateway was down (bridge.ts). */
export interface Resumed {
  /** Event s of the newest frame taken before the checkpoint. */
  frontier: number;
  journeys: Journey[];
  handles: TrackHandle[];
}

export function floorFingerprint(config: GatewayConfig): string {
  const key = JSON.stringify([
    config.floor.bounds,
    config.floor.heatmap_cell_m,
    config.floor.zones,
    config.floor.lines,
  ]);
  return createHash('sha256').update(`${key}/${config.analysis.bin_s}`).digest('hex').slice(0, 16);
}

/** The state now; undefined when nothing is open (no bin waiting, no journey, no pending crossing). */
export function captureState(parts: LiveParts, floor: string): CheckpointState | undefined {
  const { analyzer, stitcher, model } = parts;
  const release = analyzer.release;
  const bins = release.aggregator.held();
  const pending = release.groups.pendingCrossings();
  const open = stitcher.openJourneys();
  const frontier = stitcher.newestFrame;
  if ((bins.length === 0 && pending.length === 0 && open.size === 0) || !Number.isFinite(frontier)) return undefined;
  const scale = new Scale(Math.floor(frontier));
  const releasedUntil = release.releasedUntil;
  const handles = new Map<string, TrackHandle>();
  for (const track of analyzer.openTracks()) if (track.source === 'journeys') handles.set(track.id, track);
  const journeys = [...open].map((journey) => {
    const handle = handles.get(journey.id);
    return journeyState(journey, scale, handle === undefined ? null : trackState(model, handle, scale, releasedUntil));
  });
  return {
    version: CHECKPOINT_VERSION,
    floor,
    base: scale.base,
    newestTs: parts.newestTs,
    watermarkTs: parts.watermarkTs,
    frontier: scale.time(frontier),
    releasedUntil: Number.isFinite(releasedUntil) ? releasedUntil : null,
    journeysSoFar: stitcher.counts.journeys,
    bins: bins.map((bin) => binState(bin, scale)),
    pending: pending.flatMap((c) => [c.line, c.direction, scale.time(c.t), milli(c.x), milli(c.y)]),
    journeys,
  };
}

/**
 * Puts a state into a fresh pipeline (built from the same floor). With `continueJourneys` false (the
 * gateway was down too long for the cameras' track ids to mean the same people) the restored journeys
 * end at once, at their last sample, and count like any journey that ends.
 */
export function restoreState(parts: LiveParts, state: CheckpointState, continueJourneys: boolean): Resumed {
  const { analyzer, stitcher, model, sink } = parts;
  const scale = new Scale(state.base);
  const release = analyzer.release;
  release.releasedUntil = state.releasedUntil ?? Number.NEGATIVE_INFINITY;
  release.settledUntil = release.releasedUntil;
  for (const bin of state.bins) restoreBin(release.aggregator.bin(bin.index), bin, scale);
  const p = state.pending;
  for (let i = 0; i < p.length; i += 5) {
    const [line, direction, t, x, y] = p.slice(i, i + 5) as [number, number, number, number, number];
    release.groups.add({
      line,
      direction: direction === 1 ? 1 : -1,
      t: scale.fromTime(t),
      x: fromMilli(x),
      y: fromMilli(y),
    });
  }
  const resumed: Resumed = {
    frontier: scale.fromTime(state.frontier),
    journeys: [],
    handles: [],
  };
  for (const kept of state.journeys) {
    const journey = restoreJourney(kept, scale);
    resumed.journeys.push(journey);
    if (kept.track === null) continue;
    const handle = analyzer.track('journeys', kept.track.id, scale.fromTime(kept.track.first));
    restoreTrack(model, handle, kept.track, scale);
    sink.adopt(journey, handle);
    resumed.handles.push(handle);
  }
  stitcher.resume(resumed.journeys, resumed.frontier, state.journeysSoFar);
  parts.queue.release(state.watermarkTs);
  parts.newestTs = state.newestTs;
  parts.watermarkTs = state.watermarkTs;
  if (!continueJourneys) stitcher.finish();
  return resumed;
}
