/**
 * Metrics of the live path (`/metrics`): frames taken and dropped, journeys and how tracks were stitched,
 * bins handed on, and how far the watermark trails the newest reading. Registered once per registry so a
 * restarted part keeps counting on the same series.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { registerOnce } from '../../metrics.js';
import type { ReleaseCounts } from '../bin-release.js';
import type { StitchCounts } from './journey-types.js';

export interface LiveMetrics {
  frames: Counter<'space'>;
  dropped: Counter<'reason'>;
  journeys: Counter;
  stitched: Counter<'how'>;
  activeJourneys: Gauge;
  bins: Counter<'kind'>;
  binFailures: Counter;
  heldTracks: Counter;
  frozenParts: Counter;
  revisableBins: Gauge;
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
      () =>
        new Counter({
          name: 'omo_paths_bins_total',
          help: 'Path-analysis bins handed on to the store: first (final, or held no longer than analysis.max_hold_s), or revised (a track open when it went out proved staff or ended with other figures).',
          labelNames: ['kind'] as const,
          registers,
        }),
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
    heldTracks: registerOnce(
      registry,
      'omo_paths_held_tracks_total',
      () =>
        new Counter({
          name: 'omo_paths_held_tracks_total',
          help: 'Tracks still open when a bin they touched went out after analysis.max_hold_s; what they had added was counted then.',
          registers,
        }),
    ),
    frozenParts: registerOnce(
      registry,
      'omo_paths_frozen_parts_total',
      () =>
        new Counter({
          name: 'omo_paths_frozen_parts_total',
          help: 'Bins whose figures from a still-open track became final 4 h after the bin (the revision window): that track can no longer revise them.',
          registers,
        }),
    ),
    revisableBins: registerOnce(
      registry,
      'omo_paths_revisable_bins',
      () =>
        new Gauge({
          name: 'omo_paths_revisable_bins',
          help: 'Bins that went out while a track that touched them was open, kept in memory to be revised.',
          registers,
        }),
    ),
  };
}

/** Running totals of the stitcher and the bin release, and two levels, as the metrics last saw them. */
export type Progress = StitchCounts & ReleaseCounts & { activeJourneys: number; revisableBins: number };

export const NO_PROGRESS: Progress = {
  tracks: 0,
  journeys: 0,
  overlap: 0,
  handover: 0,
  heldTracks: 0,
  revisedBins: 0,
  frozenParts: 0,
  activeJourneys: 0,
  revisableBins: 0,
};

/** Adds what changed since `before` to the counters, sets the gauges; returns `now` for next time. */
export function countProgress(metrics: LiveMetrics, before: Progress, now: Progress): Progress {
  metrics.journeys.inc(now.journeys - before.journeys);
  metrics.stitched.inc({ how: 'overlap' }, now.overlap - before.overlap);
  metrics.stitched.inc({ how: 'handover' }, now.handover - before.handover);
  metrics.heldTracks.inc(now.heldTracks - before.heldTracks);
  metrics.frozenParts.inc(now.frozenParts - before.frozenParts);
  metrics.activeJourneys.set(now.activeJourneys);
  metrics.revisableBins.set(now.revisableBins);
  return now;
}
