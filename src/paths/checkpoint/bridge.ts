/**
 * The bridge over the time a restarted gateway was down. The cameras kept tracking, but no frame of that
 * time reached the analysis: between the last frame before the checkpoint and the first frame after
 * the restart nobody was observed. Without a bridge every restored journey would end at the first frame
 * (silent longer than `max_gap_s`), and every visit would split in two (a gap longer than
 * `exit_grace_s`) — a restart would count people twice. So the restored journeys are taken as having
 * stood where they were last seen until `holdS` before the first new frame (a decision: the least
 * invented — no position is made up, only the time they were last seen moves): camera tracks, journeys
 * and analyzer tracks are shifted in their "last seen" times, an open visit the person was inside of
 * stays open, a presence goes on, and velocities are reset (unknown across the gap).
 */
import type { Resumed } from './live-state.js';

/** `firstT`: event s of the first frame after the restart; `holdS`: how long before it they were last seen. */
export function bridgeGap(resumed: Resumed, firstT: number, holdS: number): void {
  const shift = firstT - holdS - resumed.frontier;
  if (!(shift > 0)) return;
  for (const journey of resumed.journeys) {
    if (journey.samples > 0) journey.lastT += shift;
    journey.vx = 0;
    journey.vy = 0;
    for (const track of journey.tracks) {
      track.lastT += shift;
      track.vx = 0;
      track.vy = 0;
    }
  }
  for (const handle of resumed.handles) {
    handle.lastT += shift;
    if (handle.staff) continue;
    const { visit, presence, heat } = handle;
    for (let z = 0; z < visit.open.length; z++)
      if (visit.open[z] === 1 && visit.prevInside[z] === 1)
        visit.lastInside[z] = (visit.lastInside[z] as number) + shift;
    presence.prevT += shift;
    heat.prevT += shift;
  }
}
