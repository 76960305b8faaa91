/**
 * The multi-person tracker on image boxes (issue 9 "Tracker"): ByteTrack's two-stage association
 * (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection Box", ECCV 2022) on a
 * constant-velocity Kalman filter of the box. Per frame:
 *   1. every track's box is predicted to the frame's time;
 *   2. high-score detections are matched to confirmed tracks (seen or lost) by IoU, optimally;
 *   3. low-score detections — often occluded people — are matched to the confirmed tracks still seen in
 *      the previous frame that step 2 left over; a low score never starts a track;
 *   4. the remaining high-score detections are matched to tentative tracks; a tentative track that misses
 *      is dropped (it was most likely a false positive);
 *   5. high-score detections still unmatched and scoring at least `new_track_score` start tentative tracks;
 *   6. a track seen `confirm_hits` times in a row is confirmed and given the next id (ids are never reused);
 *      a confirmed track unseen for `lost_s` ends.
 * The cameras are fixed, so there is no camera-motion compensation. Time is event time in milliseconds.
 */
import { assignBelow } from './assignment.js';
import { type Box, type Detection, iouDistances } from './box.js';
import { type KalmanNoise, TRACKER_NOISE } from './kalman.js';
import type { TrackerSettings } from './settings.js';
import { Track } from './track.js';

/** ByteTrack matches tentative tracks at IoU > 0.3 (its cost limit 0.7). */
const TENTATIVE_MATCH_IOU = 0.3;

/** A confirmed track as the tracker reports it for one frame. */
export interface TrackedBox {
  id: number;
  box: Box;
  score: number;
  stationary: boolean;
}

export class BoxTracker {
  private tracks: Track[] = [];
  private lastTs: number | undefined;
  private nextId = 1;
  private frames = 0;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly noise: KalmanNoise = TRACKER_NOISE,
  ) {
    if (settings.low_score > settings.high_score) {
      throw new RangeError(
        `tracker.low_score (${settings.low_score}) must not be above tracker.high_score (${settings.high_score})`,
      );
    }
  }

  /** Feeds one frame's detections (event time `ts`, ms); returns the confirmed tracks seen in it. */
  update(ts: number, detections: readonly Detection[]): TrackedBox[] {
    const dt = this.clock(ts);
    if (dt > 0) for (const track of this.tracks) track.predict(dt);
    const s = this.settings;
    const high = detections.filter((d) => d.score >= s.high_score);
    const low = detections.filter((d) => d.score < s.high_score && d.score >= s.low_score);
    const confirmed = this.tracks.filter((t) => t.state !== 'tentative');
    const tentative = this.tracks.filter((t) => t.state === 'tentative');

    const first = this.match(confirmed, high, s.match_iou, ts);
    const wasSeen = first.tracks.filter((t) => t.state === 'tracked');
    const second = this.match(wasSeen, low, s.low_match_iou, ts);
    for (const track of second.tracks) track.state = 'lost';
    const third = this.match(tentative, first.detections, TENTATIVE_MATCH_IOU, ts);
    const dropped = new Set(third.tracks);
    for (const detection of third.detections) {
      if (detection.score >= s.new_track_score) this.tracks.push(new Track(detection, ts, this.noise));
    }
    this.tracks = this.tracks.filter(
      (t) => !dropped.has(t) && !(t.state === 'lost' && ts - t.seenTs > s.lost_s * 1000),
    );
    // ByteTrack confirms the tracks of the very first frame at once: nothing earlier could have told a
    // false positive from a person already in view, and waiting would only lose that person's first frames.
    const firstFrame = this.frames++ === 0;
    for (const track of this.tracks) {
      if (track.state === 'tentative' && (track.hits >= s.confirm_hits || firstFrame)) this.confirm(track);
    }
    return this.report(ts);
  }

  /**
   * A frame the detector did not look at because nothing moved (motion gating): every track seen in the
   * previous frame is held where it is and counts as seen now, so a still scene ends no track.
   */
  hold(ts: number): TrackedBox[] {
    const previous = this.lastTs;
    this.clock(ts);
    for (const track of this.tracks) {
      if (track.state !== 'lost' && track.seenTs === previous) track.hold(ts, this.settings.stationary_move);
    }
    return this.report(ts);
  }

  /** Tracks alive now (tentative, seen and lost): what a still scene and the metrics look at. */
  get size(): number {
    return this.tracks.length;
  }

  /** Checks that time goes forward and returns the seconds since the previous frame. */
  private clock(ts: number): number {
    if (!Number.isFinite(ts)) throw new RangeError(`frame time must be a finite number of ms, got ${ts}`);
    if (this.lastTs !== undefined && ts < this.lastTs) {
      throw new RangeError(`frame time ${ts} is before the previous frame's ${this.lastTs}; frames must come in order`);
    }
    const dt = this.lastTs === undefined ? 0 : (ts - this.lastTs) / 1000;
    this.lastTs = ts;
    return dt;
  }

  /** Optimal IoU matching of `tracks` to `detections`; updates the matched, returns the rest of both. */
  private match(
    tracks: readonly Track[],
    detections: readonly Detection[],
    minIou: number,
    ts: number,
  ): { tracks: Track[]; detections: Detection[] } {
    const cost = iouDistances(
      tracks.map((t) => t.box),
      detections.map((d) => d.box),
    );
    const pairs = assignBelow(cost, 1 - minIou);
    const matchedTracks = new Set<number>();
    const matchedDetections = new Set<number>();
    for (const [t, d] of pairs) {
      (tracks[t] as Track).update(detections[d] as Detection, ts, this.settings.stationary_move);
      matchedTracks.add(t);
      matchedDetections.add(d);
    }
    return {
      tracks: tracks.filter((_, i) => !matchedTracks.has(i)),
      detections: detections.filter((_, i) => !matchedDetections.has(i)),
    };
  }

  private confirm(track: Track): void {
    track.state = 'tracked';
    track.id = this.nextId++;
  }

  /** The confirmed tracks seen at `ts`: a lost track is not reported where it is only predicted. */
  private report(ts: number): TrackedBox[] {
    return this.tracks
      .filter((t) => t.state === 'tracked' && t.seenTs === ts)
      .map((t) => ({
        id: t.id,
        box: t.box,
        score: t.score,
        stationary: t.isStationary(ts, this.settings.stationary_s),
      }));
  }
}
