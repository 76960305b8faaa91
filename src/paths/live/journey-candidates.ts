/**
 * Which journey a new camera track continues (issue 3 "Journeys across cameras"). Two ways:
 *  - overlap: another camera sees the journey's person now; the new track must stay within the gate of
 *    that camera's position (predicted to the new sample's time with the track's velocity, so frame
 *    phase and clock skew between cameras cost nothing while people walk steadily) for `min_overlap_s`;
 *    of the journeys that never left the gate, the one with the smallest mean distance wins.
 *  - hand-over: no camera sees the journey's person now, its last sample is at most `max_gap_s` old, came
 *    from another camera, and the new track's first sample is within `gate_m + max_speed_m_s · gap` of
 *    it; the nearest to the journey's predicted position wins.
 * Ties go to the older journey. A camera's own tracker has already decided that its new id is a new
 * person, so a track is never handed over from the same camera (with one camera, journeys = tracks).
 */
import type { CameraMap } from './cameras.js';
import type { JourneyOptions } from './journey-options.js';
import type { CameraTrack, Evidence, Journey } from './journey-types.js';

/** Predictions reach at most this far: a person's velocity says little about where they are later. */
const PREDICT_MAX_S = 1;

export interface CandidateContext {
  readonly options: JourneyOptions;
  readonly cameras: CameraMap;
  readonly open: ReadonlySet<Journey>;
}

/** The journey's track another camera (adjacent to `camera`) sees now, newest first; none if `camera` sees it. */
function otherView(journey: Journey, camera: string, cameras: CameraMap): CameraTrack | undefined {
  let best: CameraTrack | undefined;
  for (const track of journey.tracks) {
    if (!track.present || track.ended) continue;
    if (track.camera === camera) return undefined;
    if (!cameras.adjacent(track.camera, camera)) continue;
    if (best === undefined || track.lastT > best.lastT) best = track;
  }
  return best;
}

export function seenBy(journey: Journey, camera: string): boolean {
  return journey.tracks.some((track) => track.present && !track.ended && track.camera === camera);
}

function seenByAnyone(journey: Journey): boolean {
  return journey.tracks.some((track) => track.present && !track.ended);
}

/** Adds one sample of an undecided track to the evidence for every journey other cameras see near it. */
export function gatherEvidence(ctx: CandidateContext, track: CameraTrack, t: number, x: number, y: number): void {
  const gate = ctx.options.gateM;
  const evidence = track.evidence ?? new Map<Journey, Evidence>();
  track.evidence = evidence;
  for (const journey of ctx.open) {
    const view = otherView(journey, track.camera, ctx.cameras);
    if (view === undefined) continue;
    const dt = Math.min(t - view.lastT, PREDICT_MAX_S);
    const d = Math.hypot(x - (view.x + view.vx * dt), y - (view.y + view.vy * dt));
    let entry = evidence.get(journey);
    if (entry === undefined) {
      if (d > gate) continue;
      entry = { samples: 0, distanceSum: 0, rejected: false };
      evidence.set(journey, entry);
    }
    if (d > gate) entry.rejected = true;
    else {
      entry.samples += 1;
      entry.distanceSum += d;
    }
  }
}

/** Whether some journey is still a possible overlap match (not rejected, not taken by this camera). */
export function hasLiveEvidence(track: CameraTrack): boolean {
  for (const [journey, entry] of track.evidence ?? []) {
    if (!entry.rejected && !journey.closed && !seenBy(journey, track.camera)) return true;
  }
  return false;
}

/** The overlap match: the smallest mean distance among journeys that never left the gate. */
export function bestOverlap(track: CameraTrack): Journey | undefined {
  let best: Journey | undefined;
  let bestMean = Number.POSITIVE_INFINITY;
  for (const [journey, entry] of track.evidence ?? []) {
    if (entry.rejected || entry.samples === 0 || journey.closed || seenBy(journey, track.camera)) continue;
    const mean = entry.distanceSum / entry.samples;
    if (mean < bestMean || (mean === bestMean && best !== undefined && journey.seq < best.seq)) {
      best = journey;
      bestMean = mean;
    }
  }
  return best;
}

/** The hand-over match for a track's first sample, if any. */
export function findHandover(ctx: CandidateContext, track: CameraTrack): Journey | undefined {
  const { gateM, maxGapS, maxSpeedMS } = ctx.options;
  const { firstT: t, x, y, camera } = track;
  let best: Journey | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const journey of ctx.open) {
    if (journey.samples === 0 || journey.lastCamera === camera || seenByAnyone(journey)) continue;
    const gap = t - journey.lastT;
    if (gap < 0 || gap > maxGapS || !ctx.cameras.adjacent(journey.lastCamera, camera)) continue;
    if (Math.hypot(x - journey.x, y - journey.y) > gateM + maxSpeedMS * gap) continue;
    const dt = Math.min(gap, PREDICT_MAX_S);
    const d = Math.hypot(x - (journey.x + journey.vx * dt), y - (journey.y + journey.vy * dt));
    if (d < bestD) {
      best = journey;
      bestD = d;
    }
  }
  return best;
}

/** Whether a remembered hand-over match can still be taken by this track. */
export function handoverStillFree(track: CameraTrack): Journey | undefined {
  const journey = track.handover;
  return journey !== undefined && !journey.closed && !seenBy(journey, track.camera) ? journey : undefined;
}
