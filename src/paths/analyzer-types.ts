/** The analyzer's track handle, options and counts (analyzer.ts). */
import type { HeatState } from './heatmap-engine.js';
import type { LineState } from './line-engine.js';
import type { PresenceState } from './presence-engine.js';
import type { TrackBuffer } from './track-buffer.js';
import type { VisitState } from './visit-engine.js';

export interface TrackHandle {
  readonly source: string;
  readonly id: string;
  readonly firstT: number;
  lastT: number;
  samples: number;
  staff: boolean;
  closed: boolean;
  readonly visit: VisitState;
  readonly presence: PresenceState;
  readonly heat: HeatState;
  readonly line: LineState;
  readonly buffer: TrackBuffer;
}

export interface AnalyzerOptions {
  /** Live: a track with no sample for this long (event time) has ended. Default 10 s. */
  trackTimeoutS?: number;
  /** Live: a bin goes out at most this long after its end (config `analysis.max_hold_s`). Default: never early. */
  maxHoldS?: number;
  /** Live: how long a bin that went out early stays revisable. Default REVISION_WINDOW_S (4 h). */
  revisionWindowS?: number;
}

export interface AnalyzerCounts {
  tracks: number;
  samples: number;
  staffTracks: number;
  /** Samples refused: not finite, or older than the track's newest sample (live only; files are sorted). */
  refused: number;
  firstT: number;
  lastT: number;
}
