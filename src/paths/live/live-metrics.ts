/**
 * Metrics of the live path (`/metrics`): frames taken and dropped, journeys and how tracks were stitched,
 * bins handed on, and how far the watermark trails the newest reading. Registered once per registry so a
 * restarted part keeps counting on the same series.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { registerOnce } from '../../metrics.js';

export interface LiveMetrics {
  frames: Counter<'space'>;
  dropped: Counter<'reason'>;
  journeys: Counter;
  stitched: Counter<'how'>;
  activeJourneys: Gauge;
  bins: Counter;
  binFailures: Counter;
}

export function liveMetrics(registry: Registry): LiveMetrics {
  const registers = [registry];
  return {
    frames: registerOnce(
      registry,
      'omo_paths_frames_total',
      () =>
        new Counter({
          name: 'omo_paths_frames_total',
          help: 'Camera track frames taken into path analysis, by coordinate space (floor, image).',
          labelNames: ['space'] as const,
          registers,
        }),
    ),
    dropped: registerOnce(
      registry,
      'omo_paths_frames_dropped_total',
      () =>
        new Counter({
          name: 'omo_paths_frames_dropped_total',
          help: 'Camera track frames left out of path analysis: late (behind the watermark) or no_calibration (image pixels from an uncalibrated camera).',
          labelNames: ['reason'] as const,
          registers,
        }),
    ),
    journeys: registerOnce(
      registry,
      'omo_paths_journeys_total',
      () =>
        new Counter({
          name: 'omo_paths_journeys_total',
          help: 'Store-level journeys started (people, after stitching camera tracks).',
          registers,
        }),
    ),
    stitched: registerOnce(
      registry,
      'omo_paths_stitched_tracks_total',
      () =>
        new Counter({
          name: 'omo_paths_stitched_tracks_total',
          help: 'Camera tracks joined to an existing journey: overlap (two cameras at once) or handover (after a gap).',
          labelNames: ['how'] as const,
          registers,
        }),
    ),
    activeJourneys: registerOnce(
      registry,
      'omo_paths_active_journeys',
      () => new Gauge({ name: 'omo_paths_active_journeys', help: 'Journeys open now.', registers }),
    ),
    bins: registerOnce(
      registry,
      'omo_paths_bins_total',
      () => new Counter({ name: 'omo_paths_bins_total', help: 'Final path-analysis bins handed on.', registers }),
    ),
    binFailures: registerOnce(
      registry,
      'omo_paths_bin_failures_total',
      () =>
        new Counter({
          name: 'omo_paths_bin_failures_total',
          help: 'Final bins whose consumer (the aggregate store) threw; the bin is logged and dropped.',
          registers,
        }),
    ),
  };
}
