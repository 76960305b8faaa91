/**
 * The box tracker's rules one at a time (issue 9 "Tracker"): confirmation after N hits, ids given at
 * confirmation and never reused, the lost buffer, low-score detections only continuing tracks, the
 * stationary flag, a still scene holding tracks, and time that must go forward.
 */
import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../../src/vision/tracker/box.js';
import { BoxTracker } from '../../../src/vision/tracker/box-tracker.js';
import { trackerSettings } from '../../../src/vision/tracker/settings.js';

const person = (x: number, score = 0.9, y = 100): Detection => ({ box: [x, y, 40, 100] as Box, score });
const FRAME_MS = 200;

/** Runs frames 200 ms apart (the gateway's 5 fps); frame 0 is empty so no first-frame rule applies. */
function run(tracker: BoxTracker, frames: Detection[][], from = 1): number[][] {
  return frames.map((detections, i) => tracker.update((from + i) * FRAME_MS, detections).map((t) => t.id));
}

function started(settings = trackerSettings()): BoxTracker {
  const tracker = new BoxTracker(settings);
  tracker.update(0, []);
  return tracker;
}

describe('BoxTracker', () => {
  it('publishes a track from its confirm_hits-th detection in a row, with id 1', () => {
    const ids = run(started(), [[person(10)], [person(14)], [person(18)], [person(22)]]);
    expect(ids).toEqual([[], [], [1], [1]]);
  });

  it('confirms the people of the very first frame at once (nothing earlier could have)', () => {
    const tracker = new BoxTracker(trackerSettings());
    expect(tracker.update(0, [person(10), person(300)]).map((t) => t.id)).toEqual([1, 2]);
  });

  it('drops a tentative track that misses a frame, and it costs no id', () => {
    const ids = run(started(), [[person(10)], [person(14)], [], [person(300)], [person(300)], [person(300)]]);
    expect(ids).toEqual([[], [], [], [], [], [1]]);
  });

  it('keeps a lost track for lost_s and finds it again under the same id', () => {
    // 4 missed frames = 0.8 s < lost_s 1: the person walking on at 4 px a frame is found again.
    const walk = (k: number) => [person(10 + 4 * k)];
    const frames = [walk(0), walk(1), walk(2), [], [], [], [], walk(7), walk(8)];
    expect(run(started(), frames)).toEqual([[], [], [1], [], [], [], [], [1], [1]]);
  });

  it('ends a track unseen for longer than lost_s; the person comes back under a new id', () => {
    const frames = [[person(10)], [person(10)], [person(10)], ...Array.from({ length: 6 }, () => []), [person(10)]];
    const tracker = started();
    run(tracker, frames);
    const again = run(tracker, [[person(10)], [person(10)]], frames.length + 1);
    expect(again).toEqual([[], [2]]);
  });

  it('lets a low-score detection continue a track but never start one', () => {
    const tracker = started();
    expect(run(tracker, [[person(10)], [person(10)], [person(10)], [person(10, 0.3)]])).toEqual([[], [], [1], [1]]);
    expect(run(started(), [[person(10, 0.3)], [person(10, 0.3)], [person(10, 0.3)], [person(10, 0.3)]])).toEqual([
      [],
      [],
      [],
      [],
    ]);
  });

  it('needs new_track_score to start a track and ignores detections below low_score', () => {
    expect(run(started(), [[person(10, 0.65)], [person(10, 0.9)], [person(10, 0.9)]])).toEqual([[], [], []]);
    const tracker = started();
    run(tracker, [[person(10)], [person(10)], [person(10)]]);
    expect(run(tracker, [[person(10, 0.05)]], 4)).toEqual([[]]);
  });

  it('matches two people crossing by position, not by order in the list', () => {
    const tracker = started();
    const frames = Array.from({ length: 8 }, (_, k) => {
      const pair = [person(10 + 12 * k), person(300 - 12 * k, 0.9, 130)];
      return k % 2 === 0 ? pair : pair.reverse();
    });
    const reports = frames.map((detections, i) => tracker.update((i + 1) * FRAME_MS, detections));
    const last = reports.at(-1) ?? [];
    const left = last.find((t) => t.box[1] < 120);
    const right = last.find((t) => t.box[1] > 120);
    expect(left?.box[0]).toBeGreaterThan(80);
    expect(right?.box[0]).toBeLessThan(230);
    expect([left?.id, right?.id].sort()).toEqual([1, 2]);
  });

  it('flags a track that has not moved for stationary_s, and clears the flag when it moves', () => {
    const tracker = started(trackerSettings({ stationary_s: 2 }));
    const flags: boolean[] = [];
    for (let i = 1; i <= 14; i++) flags.push(...tracker.update(i * FRAME_MS, [person(10)]).map((t) => t.stationary));
    // Confirmed at frame 3; still since frame 1, so stationary from frame 11 (2 s later).
    expect(flags).toEqual([false, false, false, false, false, false, false, false, true, true, true, true]);
    // Walking on at 8 px a frame: past stationary_move (0.1 × 100 px) the clock restarts, same track.
    const moved = [15, 16, 17, 18, 19].flatMap((i) => tracker.update(i * FRAME_MS, [person(10 + 8 * (i - 14))]));
    expect(moved.map((t) => t.id)).toEqual([1, 1, 1, 1, 1]);
    expect(moved.at(-1)?.stationary).toBe(false);
  });

  it('holds the tracks of a still scene without detections, as seen', () => {
    const tracker = started();
    run(tracker, [[person(10)], [person(10)], [person(10)]]);
    // 10 s of held frames (motion gating) would far outlast lost_s if they counted as misses.
    for (let i = 4; i < 54; i++) expect(tracker.hold(i * FRAME_MS).map((t) => t.id)).toEqual([1]);
    expect(tracker.update(54 * FRAME_MS, [person(11)]).map((t) => t.id)).toEqual([1]);
  });

  it('refuses frames that go back in time and settings with low_score above high_score', () => {
    const tracker = started();
    tracker.update(1000, []);
    expect(() => tracker.update(999, [])).toThrow(/frame time 999 is before the previous frame's 1000/);
    expect(() => new BoxTracker(trackerSettings({ low_score: 0.7, high_score: 0.5 }))).toThrow(
      /tracker.low_score \(0.7\) must not be above tracker.high_score \(0.5\)/,
    );
  });
});
