/**
 * zara01 (real pedestrian tracks, test/fixtures/zara01) as cameras would report it: split into two
 * overlapping views with their own track ids, position noise and clock skew (seeded), or as image pixels
 * through the dataset's own homography. Each camera sends a frame at every frame time of the dataset,
 * listing whoever is in its view (an empty list when nobody is), like a smart camera does.
 */
import { readFileSync } from 'node:fs';
import { profileKinds } from '../../../devices/index.js';
import type { BusEvents, EventBus } from '../../../src/bus.js';
import { type GatewayConfig, parseConfig } from '../../../src/config/index.js';
import { createRegistry } from '../../../src/metrics.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { type AnalyzeResult, summarizeRun } from '../../../src/paths/analyze.js';
import type { StitchCounts } from '../../../src/paths/live/journey-types.js';
import { LivePaths, type LivePathsOptions } from '../../../src/paths/live/live-paths.js';
import { parseObsmatTracks, type TrackRow } from '../../../src/paths/tracks-file.js';
import { Random } from '../../../src/simulate/random.js';

export const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/zara01/${name}`, import.meta.url), 'utf8');
export const ZARA_YAML = fixture('config.yaml');
export const zaraRows: TrackRow[] = parseObsmatTracks(fixture('obsmat.txt'));
/** Event time of the file's t = 0 (a Monday morning, on a whole hour so bins line up). */
export const EPOCH_MS = Date.UTC(2026, 0, 5, 9);

export type Frame = BusEvents['cameraTracks'];

/**
 * A whole gateway on the zara01 floor with one smart camera, and broker limits a test can publish
 * through as fast as the gateway acknowledges (the camera's real rate limit would refuse a replay).
 */
export function zaraGatewayYaml(camera: string): string {
  return `${ZARA_YAML}
devices:
  - { id: ${camera}, kind: camera, camera: { type: smart } }
broker: { limits: { publish_rate_per_s: 100000, publish_burst: 100000 } }
# Scenes are replayed from up to a few hours back, beyond the default back-fill window (max_past_s).
ingest: { max_past_s: 86400 }
`;
}

export function zaraConfig(devicesYaml = ''): GatewayConfig {
  return parseConfig(`${ZARA_YAML}\n${devicesYaml}`, 'zara01.yaml', { env: {}, knownKinds: profileKinds });
}

/** The file's rows shifted to event time exactly as the live path computes it from `ts` (ms). */
export function atEventTime(rows: readonly TrackRow[]): TrackRow[] {
  return rows.map((row) => ({ ...row, t: (Math.round(row.t * 1000) + EPOCH_MS) / 1000 }));
}

export interface View {
  camera: string;
  /** The view covers y from `fromY` to `toY` (the pavement runs along y). */
  fromY: number;
  toY: number;
  skewMs: number;
}

/**
 * Every view's frames in event-time order. A camera's tracker gives a fresh id when a person enters its
 * view or was out of it for over a second.
 */
export function viewFrames(rows: readonly TrackRow[], views: readonly View[], seed: number, noiseM: number): Frame[] {
  const random = new Random(seed);
  const times = [...new Set(rows.map((row) => row.t))].sort((a, b) => a - b);
  const byTime = new Map<number, TrackRow[]>();
  for (const row of rows) byTime.set(row.t, [...(byTime.get(row.t) ?? []), row]);
  const frames: Frame[] = [];
  views.forEach((view, v) => {
    const ids = new Map<string, { id: string; lastT: number }>();
    let next = (v + 1) * 10_000 + random.int(1, 5000);
    times.forEach((t, frame) => {
      const people = [];
      for (const row of byTime.get(t) ?? []) {
        if (row.y < view.fromY || row.y > view.toY) continue;
        let track = ids.get(row.id);
        if (track === undefined || t - track.lastT > 1) {
          track = { id: String(next++), lastT: t };
          ids.set(row.id, track);
        }
        track.lastT = t;
        const noise = () => random.uniform(-noiseM, noiseM);
        people.push({ id: track.id, x: row.x + noise(), y: row.y + noise() });
      }
      const ts = Math.round(t * 1000) + EPOCH_MS + view.skewMs;
      frames.push({ deviceId: view.camera, kind: 'camera', ts, frame, space: 'floor', people });
    });
  });
  return byArrival(frames, {});
}

/** Frames as they would arrive: by event time, each camera delayed by its own network latency. */
export function byArrival(frames: readonly Frame[], latencyMs: Record<string, number>): Frame[] {
  return [...frames]
    .map((frame, order) => ({ frame, order, at: frame.ts + (latencyMs[frame.deviceId] ?? 0) }))
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map(({ frame }) => frame);
}

export interface LiveRun {
  result: AnalyzeResult;
  stitch: StitchCounts;
  bins: BinData[];
}

/** Runs frames through a real LivePaths on `bus` (in memory) and returns the summed figures of its bins. */
export async function runLive(
  config: GatewayConfig,
  bus: EventBus,
  frames: readonly Frame[],
  options: Partial<LivePathsOptions> = {},
): Promise<LiveRun> {
  const bins: BinData[] = [];
  const live = new LivePaths({
    config,
    bus,
    metrics: createRegistry(),
    publish: () => {},
    onBin: (bin) => bins.push(bin),
    ...options,
  });
  await live.start();
  frames.forEach((frame, i) => {
    bus.emit('cameraTracks', frame);
    if (i % 100 === 99) live.advance();
  });
  await live.stop();
  const { model, analyzer, stitchCounts } = live;
  if (model === undefined || analyzer === undefined || stitchCounts === undefined) throw new Error('never ran');
  return { result: summarizeRun(model, analyzer, bins), stitch: stitchCounts, bins };
}
