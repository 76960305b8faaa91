/**
 * Per-camera metrics of the vision pipeline (issue 9 point 9). Unlike most gateway metrics these carry a
 * `camera` label: the set is bounded by the plain cameras in the config (a handful per store), and an
 * operator needs to see which camera drops frames or is down — a total hides exactly that.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { type Registry, registerOnce } from '../metrics.js';

/** Milliseconds: from a few for a motion-gated frame to seconds for a detector far behind. */
const MS_BUCKETS = [5, 10, 20, 35, 50, 75, 100, 150, 250, 400, 600, 1000, 2000, 5000];

export interface VisionMetrics {
  framesIn: Counter<'camera'>;
  /** `how`: `detected` (the detector ran) or `still` (motion gating held the tracks). */
  processed: Counter<'camera' | 'how'>;
  dropped: Counter<'camera' | 'reason'>;
  sourceFailures: Counter<'camera' | 'reason'>;
  detections: Counter<'camera'>;
  confirmedTracks: Gauge<'camera'>;
  inferenceMs: Histogram<'camera'>;
  pipelineMs: Histogram<'camera'>;
  backend: Gauge<'backend' | 'runtime'>;
}

export function visionMetrics(registry: Registry): VisionMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    registerOnce(registry, name, () => new Counter<L>({ name, help, labelNames, registers }));
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
    registerOnce(registry, name, () => new Gauge<L>({ name, help, labelNames, registers }));
  const histogram = (name: string, help: string) =>
    registerOnce(
      registry,
      name,
      () => new Histogram({ name, help, labelNames: ['camera'], buckets: MS_BUCKETS, registers }),
    );
  return {
    framesIn: counter('omo_vision_frames_in_total', 'Frames a plain camera delivered (published, pulled or decoded).', [
      'camera',
    ]),
    processed: counter(
      'omo_vision_frames_processed_total',
      'Frames that reached the tracker: detected, or still (motion gating skipped the detector and held the tracks).',
      ['camera', 'how'],
    ),
    dropped: counter(
      'omo_vision_frames_dropped_total',
      'Frames not processed: busy (a newer frame replaced it while the camera was busy), over_fps, bad_frame, no_detector, stopped.',
      ['camera', 'reason'],
    ),
    sourceFailures: counter(
      'omo_vision_source_failures_total',
      'Failed snapshot pulls and ffmpeg restarts, by reason (timeout, unreachable, auth, exited, stalled…).',
      ['camera', 'reason'],
    ),
    detections: counter('omo_vision_detections_total', 'People the detector found, summed over frames.', ['camera']),
    confirmedTracks: gauge('omo_vision_confirmed_tracks', 'Confirmed tracks in the camera’s latest frame.', ['camera']),
    inferenceMs: histogram('omo_vision_inference_ms', 'Detector backend time per detected frame, milliseconds.'),
    pipelineMs: histogram(
      'omo_vision_pipeline_ms',
      'From a frame’s arrival to its tracks on the bus (motion check, waiting for the detector, detection, tracking), milliseconds.',
    ),
    backend: gauge('omo_vision_backend_info', 'The detector backend in use (value 1), once loaded.', [
      'backend',
      'runtime',
    ]),
  };
}
