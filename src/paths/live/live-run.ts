/**
 * One run of the live path (LivePaths.start() to stop()): the compiled floor and every stage of the
 * pipeline, built fresh from the validated config — at start, and again when a checkpoint could not be
 * restored into it (a checkpoint half put back is no state to go on from).
 */
import type { GatewayConfig } from '../../config/schema.js';
import type { Registry } from '../../metrics.js';
import { FloorAnalyzer } from '../analyzer.js';
import type { Resumed } from '../checkpoint/live-state.js';
import { compileFloor, type FloorModel } from '../floor-model.js';
import { CameraMap } from './cameras.js';
import { FrameQueue } from './frame-queue.js';
import { journeyOptions } from './journey-options.js';
import { JourneyStitcher } from './journey-stitcher.js';
import { type JourneyTracks, journeyTracks } from './journey-tracks.js';
import { type LiveMetrics, liveMetrics, NO_PROGRESS, type Progress } from './live-metrics.js';
import { OccupancyPublisher, type Publish } from './occupancy.js';

export interface Running {
  model: FloorModel;
  analyzer: FloorAnalyzer;
  stitcher: JourneyStitcher;
  sink: JourneyTracks;
  cameras: CameraMap;
  queue: FrameQueue;
  occupancy: OccupancyPublisher;
  metrics: LiveMetrics;
  counted: Progress;
  /** Newest reading's event time and the watermark released up to, epoch ms. */
  newestTs: number;
  watermarkTs: number;
  /** Journeys restored from a checkpoint, until the first frame after the restart bridges the gap. */
  resumed: Resumed | undefined;
  timer: NodeJS.Timeout | undefined;
  warned: Set<string>;
}

export interface RunOptions {
  config: GatewayConfig;
  metrics: Registry;
  publish: Publish;
  now: () => number;
  occupancyIntervalMs: number;
}

export function buildRun({ config, metrics, publish, now, occupancyIntervalMs }: RunOptions): Running {
  const journeys = journeyOptions(config.analysis.journeys);
  const model = compileFloor(config.floor, config.analysis);
  // The stitcher ends journeys itself; the analyzer's own timeout is only a backstop behind it.
  const analyzer = new FloorAnalyzer(model, {
    trackTimeoutS: journeys.maxGapS + 1,
    maxHoldS: config.analysis.max_hold_s,
  });
  const cameras = new CameraMap(config.devices, journeys.gateM);
  const sink = journeyTracks(analyzer);
  return {
    model,
    analyzer,
    stitcher: new JourneyStitcher(journeys, cameras, sink),
    sink,
    cameras,
    queue: new FrameQueue(),
    occupancy: new OccupancyPublisher(model.zones, metrics, publish, now, occupancyIntervalMs),
    metrics: liveMetrics(metrics),
    counted: NO_PROGRESS,
    newestTs: Number.NEGATIVE_INFINITY,
    watermarkTs: Number.NEGATIVE_INFINITY,
    resumed: undefined,
    timer: undefined,
    warned: new Set(),
  };
}
