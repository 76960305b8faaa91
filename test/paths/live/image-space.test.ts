/**
 * Issue 3 "image-pixel tracks become floor tracks": a camera with a calibration in the config that reports
 * image pixels gives the floor figures of the same people reported in floor metres, within calibration
 * error. The pixels are zara01's own: its positions mapped into the dataset camera's image with the
 * inverse of the dataset's homography (H.txt maps image [row, col, 1] to the ground), rounded to 0.1 px.
 * The calibration pairs are six image points with their floor points measured to ±2 cm, as an installer
 * with a tape measure would give them.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { createRegistry } from '../../../src/metrics.js';
import { analyze } from '../../../src/paths/analyze.js';
import { LivePaths } from '../../../src/paths/live/live-paths.js';
import { Random } from '../../../src/simulate/random.js';
import { applyHomography, calibrate } from '../../../src/vision/homography.js';
import { type Frame, fixture, runLive, viewFrames, zaraConfig, zaraRows } from './zara01-views.js';

type M = [number, number, number, number, number, number, number, number, number];
const H = fixture('H.txt').trim().split(/\s+/).map(Number) as M;

function apply(m: M, a: number, b: number): [number, number] {
  const w = m[6] * a + m[7] * b + m[8];
  return [(m[0] * a + m[1] * b + m[2]) / w, (m[3] * a + m[4] * b + m[5]) / w];
}

function inverse([a, b, c, d, e, f, g, h, i]: M): M {
  const m: M = [
    e * i - f * h,
    c * h - b * i,
    b * f - c * e,
    f * g - d * i,
    a * i - c * g,
    c * d - a * f,
    d * h - e * g,
    b * g - a * h,
    a * e - b * d,
  ];
  const det = a * m[0] + b * m[3] + c * m[6];
  return m.map((v) => v / det) as M;
}

const toImage = inverse(H);
const random = new Random(7);
// Image points [u = column, v = row] spread over the 720 × 576 frame, no three on a line.
const pairPoints = [
  [40, 60],
  [690, 80],
  [660, 560],
  [70, 540],
  [360, 300],
  [200, 420],
].map(([u, v]) => {
  const [x, y] = apply(H, v as number, u as number);
  const measured = (value: number) => Math.round((value + random.uniform(-0.02, 0.02)) * 1000) / 1000;
  return { image: [u, v] as [number, number], floor: [measured(x), measured(y)] as [number, number] };
});
const pairs = pairPoints.map((p) => `{ image: [${p.image.join(', ')}], floor: [${p.floor.join(', ')}] }`);
const config = zaraConfig(`
devices:
  - id: cam-pixels
    kind: camera
    camera: { type: smart, calibration: { points: [${pairs.join(', ')}] } }
  - { id: cam-floor, kind: camera, camera: { type: smart } }
  - { id: cam-raw, kind: camera, camera: { type: smart } }
`);

/** The floor frames of one camera seeing all of zara01 (no noise), and the same frames in pixels. */
const floorFrames = viewFrames(zaraRows, [{ camera: 'cam-floor', fromY: -1e9, toY: 1e9, skewMs: 0 }], 1, 0);
const pixelFrames: Frame[] = floorFrames.map((frame) => ({
  ...frame,
  deviceId: 'cam-pixels',
  space: 'image',
  people: frame.people.map(({ id, x, y }) => {
    const [row, col] = apply(toImage, x, y);
    return { id, x: Math.round(col * 10) / 10, y: Math.round(row * 10) / 10 };
  }),
}));

describe('image-space tracks through the camera calibration', () => {
  it('converts with the calibration’s homography: figures equal analyze over the pixels mapped offline', async () => {
    const { matrix, meanErrorM } = calibrate(pairPoints);
    expect(meanErrorM).toBeLessThan(0.05);
    const truth = floorFrames.flatMap((frame) => frame.people);
    const mapped = pixelFrames.flatMap((frame) =>
      frame.people.map(({ id, x: u, y: v }) => {
        const [x, y] = applyHomography(matrix, u, v);
        return { t: frame.ts / 1000, id, x, y };
      }),
    );
    // Every converted position is within a few centimetres of where the person really was.
    expect(mapped).toHaveLength(5024);
    mapped.forEach((sample, i) => {
      const real = truth[i] as { x: number; y: number };
      expect(Math.hypot(sample.x - real.x, sample.y - real.y)).toBeLessThan(0.05);
    });
    const offline = analyze({ floor: config.floor, analysis: config.analysis, tracks: mapped });
    const live = (await runLive(config, new EventBus(), pixelFrames)).result;
    const { heatmap: liveHeat, ...liveRest } = live;
    const { heatmap: offlineHeat, ...offlineRest } = offline;
    expect(liveRest).toEqual(offlineRest);
    liveHeat.seconds.forEach((s, i) => {
      expect(s).toBeCloseTo(offlineHeat.seconds[i] as number, 6);
    });
  });

  it('pixels and floor metres give the same figures within calibration error', async () => {
    const floor = (await runLive(config, new EventBus(), floorFrames)).result;
    const pixels = (await runLive(config, new EventBus(), pixelFrames)).result;
    expect(pixels.tracks).toBe(148);
    expect(pixels.samples).toBe(floor.samples);
    const zones = Object.keys(floor.zones);
    const total = (r: typeof floor, key: 'visits' | 'dwell') =>
      zones.reduce(
        (sum, z) => sum + (key === 'visits' ? (r.zones[z]?.visits ?? 0) : (r.zones[z]?.dwell_s.total ?? 0)),
        0,
      );
    expect(Math.abs(total(pixels, 'visits') - total(floor, 'visits'))).toBeLessThanOrEqual(
      0.01 * total(floor, 'visits'),
    );
    expect(Math.abs(total(pixels, 'dwell') - total(floor, 'dwell'))).toBeLessThanOrEqual(0.01 * total(floor, 'dwell'));
    for (const zone of zones) {
      // A person who only grazes a zone edge, within the calibration error of it, may fall either side.
      expect(Math.abs((pixels.zones[zone]?.visits ?? 0) - (floor.zones[zone]?.visits ?? 0)), zone).toBeLessThanOrEqual(
        1,
      );
    }
    for (const [line, figures] of Object.entries(floor.lines)) {
      expect(Math.abs((pixels.lines[line]?.in ?? 0) - figures.in), line).toBeLessThanOrEqual(1);
      expect(Math.abs((pixels.lines[line]?.out ?? 0) - figures.out), line).toBeLessThanOrEqual(1);
    }
    const heat = (r: typeof floor) => r.heatmap.seconds.reduce((a, b) => a + b, 0);
    expect(heat(pixels)).toBeCloseTo(heat(floor), 0);
  });

  it('drops and counts pixel frames from a camera without calibration, and takes its floor frames', async () => {
    const bus = new EventBus();
    const metrics = createRegistry();
    const live = new LivePaths({ config, bus, metrics, publish: () => {}, onBin: () => {} });
    await live.start();
    const raw = pixelFrames.slice(0, 50).map((frame) => ({ ...frame, deviceId: 'cam-raw' }));
    for (const frame of raw) bus.emit('cameraTracks', frame);
    bus.emit('cameraTracks', { ...(floorFrames[60] as Frame), deviceId: 'cam-raw' });
    await live.stop();
    const dropped = await metrics.getSingleMetric('omo_paths_frames_dropped_total')?.get();
    expect(dropped?.values.find((v) => v.labels.reason === 'no_calibration')?.value).toBe(50);
    const taken = await metrics.getSingleMetric('omo_paths_frames_total')?.get();
    expect(taken?.values.find((v) => v.labels.space === 'floor')?.value).toBe(1);
    expect(live.analyzer?.counts.samples).toBe((floorFrames[60] as Frame).people.length);
  });
});
