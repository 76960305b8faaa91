/**
 * The stitcher's rules one at a time (src/paths/live/journey-candidates.ts): overlap with minimum
 * agreement, neighbours kept apart by mean distance, hand-over across a blind strip within max_gap_s,
 * no hand-over inside one camera, strangers beyond the gate, a diverging track let go, held-back samples
 * and the horizon, journeys ending max_gap_s after their last sample.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../../src/config/schema.js';
import { CameraMap } from '../../../src/paths/live/cameras.js';
import { journeyOptions } from '../../../src/paths/live/journey-options.js';
import { JourneyStitcher } from '../../../src/paths/live/journey-stitcher.js';
import { configOf } from '../helpers.js';

/** The stitching settings of a config that leaves them to the schema's defaults (`max_gap_s` aside). */
const options = (maxGapS?: number) =>
  journeyOptions(configOf({}, maxGapS === undefined ? {} : { journeys: { max_gap_s: maxGapS } }).analysis.journeys);

type Position = (t: number) => [number, number] | undefined;
interface Camera {
  id: string;
  sees: (x: number, y: number) => boolean;
  /** Frame phase relative to the other camera, s. */
  phase?: number;
}

interface Run {
  journeys: Map<string, [number, number, number][]>;
  ended: string[];
  stitcher: JourneyStitcher;
}

const devices = [] as GatewayConfig['devices'];

/** Cameras at 5 fps over `seconds`; a person out of a camera's sight for > 1 s gets a new id from it. */
function run(people: Position[], cameras: Camera[], seconds = 30): Run {
  const result: Run = { journeys: new Map(), ended: [], stitcher: undefined as unknown as JourneyStitcher };
  const sink = {
    sample(journey: { id: string }, t: number, x: number, y: number) {
      const list = result.journeys.get(journey.id) ?? [];
      list.push([t, x, y]);
      result.journeys.set(journey.id, list);
    },
    end: (journey: { id: string }) => void result.ended.push(journey.id),
  };
  result.stitcher = new JourneyStitcher(options(), new CameraMap(devices, options().gateM), sink);
  const ids = cameras.map(() => new Map<number, { id: string; last: number }>());
  let next = 100;
  const frames: [number, Camera, number][] = [];
  cameras.forEach((camera, c) => {
    for (let k = 0; k * 0.2 <= seconds; k++) frames.push([k * 0.2 + (camera.phase ?? 0), camera, c]);
  });
  frames.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  for (const [t, camera, c] of frames) {
    const seen = [];
    for (let p = 0; p < people.length; p++) {
      const at = (people[p] as Position)(t);
      if (at === undefined || !camera.sees(at[0], at[1])) continue;
      const known = (ids[c] as Map<number, { id: string; last: number }>).get(p);
      const track = known !== undefined && t - known.last <= 1 ? known : { id: String(next++), last: t };
      track.last = t;
      ids[c]?.set(p, track);
      seen.push({ id: track.id, x: at[0], y: at[1] });
    }
    result.stitcher.frame(camera.id, t, seen);
  }
  result.stitcher.finish();
  return result;
}

const walk =
  (y: number, speed = 1, from = 0, start = 0, end = 1e9): Position =>
  (t) =>
    t < start || t > end ? undefined : [from + speed * (t - start), y];

const west = (limit: number): Camera => ({ id: 'cam-a', sees: (x) => x <= limit });
const east = (limit: number, phase = 0.1): Camera => ({ id: 'cam-b', sees: (x) => x >= limit, phase });

describe('journey stitching', () => {
  it('a person walking through the overlap of two cameras is one journey, in time order, one camera at a time', () => {
    const { journeys, stitcher } = run([walk(5)], [west(12), east(8)], 22);
    expect(journeys.size).toBe(1);
    expect(stitcher.counts).toEqual({ tracks: 2, journeys: 1, overlap: 1, handover: 0 });
    const samples = [...journeys.values()][0] as [number, number, number][];
    for (let i = 1; i < samples.length; i++)
      expect((samples[i] as number[])[0]).toBeGreaterThan((samples[i - 1] as number[])[0] as number);
    // Followed cam-a (phase 0) until it lost the person past x = 12, then cam-b (phase 0.1).
    const camera = (t: number) => (Math.round(t * 10) % 2 === 0 ? 'cam-a' : 'cam-b');
    expect(samples.filter(([t, x]) => x <= 12 && camera(t) !== 'cam-a')).toEqual([]);
    expect(samples.filter(([t, x]) => x > 12.2 && camera(t) !== 'cam-b')).toEqual([]);
  });

  it('two people walking side by side 0.6 m apart stay two journeys, each keeping its own person', () => {
    const { journeys, stitcher } = run([walk(5), walk(5.6)], [west(12), east(8)], 22);
    expect(journeys.size).toBe(2);
    expect(stitcher.counts.overlap).toBe(2);
    const ys = [...journeys.values()].map((samples) => new Set(samples.map(([, , y]) => y)));
    expect(ys.map((set) => [...set].sort())).toEqual([[5], [5.6]]);
  });

  it('hands over across a 1 s blind strip between touching views, not across one longer than max_gap_s', () => {
    const short = run([walk(5)], [west(10), east(11)], 22);
    expect(short.journeys.size).toBe(1);
    expect(short.stitcher.counts.handover).toBe(1);
    const long = run([walk(5)], [west(10), east(13)], 22);
    expect(long.journeys.size).toBe(2);
    expect(long.stitcher.counts.handover).toBe(0);
  });

  it('does not join two tracks of one camera: its own tracker decided they are two people', () => {
    const occluded: Position = (t) => (t > 5 && t < 6.5 ? undefined : [t, 5]);
    const { journeys, stitcher } = run([occluded], [west(100)], 12);
    expect(stitcher.counts.tracks).toBe(2);
    expect(journeys.size).toBe(2);
  });

  it('keeps a stranger beyond the gate apart, and lets go of a track that leaves the gate during agreement', () => {
    // Someone standing in the overlap 1.5 m from where the walker passes: each is one journey of their own.
    const standing: Position = () => [10, 6.5];
    const stranger = run([walk(5, 1, 0, 0, 14), standing], [west(12), east(8)], 14);
    expect(stranger.journeys.size).toBe(2);
    expect(stranger.stitcher.counts.overlap).toBe(2);
    const ys = [...stranger.journeys.values()].map((samples) => [...new Set(samples.map(([, , y]) => y))]);
    expect(ys.sort()).toEqual([[5], [6.5]]);
    // Starts next to the first person, then walks off at right angles: 0.5 s in it is 1.1 m away.
    const diverging: Position = (t) => (t < 9 ? undefined : [9, 5.1 + 2 * (t - 9)]);
    const splitOff = run([walk(5), diverging], [west(12), { id: 'cam-b', sees: (x) => x >= 8.5, phase: 0.1 }], 12);
    expect(splitOff.journeys.size).toBe(2);
    const second = [...splitOff.journeys.values()].find((samples) => samples[0]?.[1] === 9) ?? [];
    // Its held-back samples were released from its very first (cam-a's frame at t = 9), none lost.
    expect(second[0]?.[0]).toBeCloseTo(9, 9);
    for (let i = 1; i < second.length; i++)
      expect((second[i] as number[])[0] as number).toBeLessThan(((second[i - 1] as number[])[0] as number) + 0.21);
  });

  it('holds back an undecided track’s samples: horizon is its first sample until it is decided', () => {
    const samples: number[] = [];
    const stitcher = new JourneyStitcher(options(), new CameraMap(devices, 1), {
      sample: (_journey, t) => void samples.push(t),
      end: () => undefined,
    });
    stitcher.frame('cam-a', 10, [{ id: '1', x: 0, y: 0 }]);
    expect(stitcher.horizon()).toBe(Number.POSITIVE_INFINITY);
    stitcher.frame('cam-b', 10.1, [{ id: '9', x: 0.1, y: 0 }]);
    expect(stitcher.horizon()).toBe(10.1);
    for (let k = 1; k <= 5; k++) {
      stitcher.frame('cam-a', 10 + 0.2 * k, [{ id: '1', x: 0.2 * k, y: 0 }]);
      stitcher.frame('cam-b', 10.1 + 0.2 * k, [{ id: '9', x: 0.1 + 0.2 * k, y: 0 }]);
    }
    expect(stitcher.horizon()).toBe(Number.POSITIVE_INFINITY);
    expect(stitcher.counts.overlap).toBe(1);
    expect(samples).toEqual([10, 10.2, 10.4, 10.6, 10.8, 11]);
  });

  it('ends a journey max_gap_s after its last sample, at the next frame', () => {
    const ended: number[] = [];
    const stitcher = new JourneyStitcher(options(3), new CameraMap(devices, 1), {
      sample: () => undefined,
      end: () => void ended.push(now),
    });
    let now = 0;
    for (now = 0; now <= 10; now = Math.round((now + 0.5) * 10) / 10) {
      stitcher.frame('cam-a', now, now <= 4 ? [{ id: '1', x: now, y: 0 }] : []);
    }
    expect(ended).toEqual([7.5]);
    expect(stitcher.activeJourneys()).toBe(0);
  });

  it('refuses a frame older than one already processed', () => {
    const stitcher = new JourneyStitcher(options(), new CameraMap(devices, 1), {
      sample: () => undefined,
      end: () => undefined,
    });
    expect(stitcher.frame('cam-a', 5, [])).toBe(true);
    expect(stitcher.frame('cam-b', 4.9, [])).toBe(false);
  });
});

describe('journey options', () => {
  it('come from the config schema: defaults filled in, a value out of bounds refused naming the key', () => {
    expect(journeyOptions(configOf({}).analysis.journeys)).toEqual({
      gateM: 1,
      minOverlapS: 1,
      maxGapS: 2,
      maxSpeedMS: 2.5,
    });
    expect(journeyOptions(configOf({}, { journeys: { gate_m: 0.5 } }).analysis.journeys).gateM).toBe(0.5);
    expect(() => configOf({}, { journeys: { gate_m: 0 } })).toThrow(
      /analysis\.journeys\.gate_m = 0: must be at least 0\.05/,
    );
  });
});
