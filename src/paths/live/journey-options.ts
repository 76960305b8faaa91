/**
 * Settings of journey stitching (issue 3 "Journeys across cameras"): when two camera tracks are one
 * person. Written in config style (snake_case, the key names proposed for `analysis.journeys`) so the
 * gateway can pass the config section straight through; missing keys take the defaults below.
 */

export interface JourneyInput {
  /** Largest distance between two cameras' positions of one person at one instant, metres. */
  gate_m?: number;
  /** How long a new track must agree with a journey another camera sees before they are merged, s. */
  min_overlap_s?: number;
  /** Longest silence bridged: a journey ends this long after its last sample; a hand-over may start until then, s. */
  max_gap_s?: number;
  /** Walking speed that bounds how far a person can get during a hand-over gap, m/s. */
  max_speed_m_s?: number;
}

export interface JourneyOptions {
  readonly gateM: number;
  readonly minOverlapS: number;
  readonly maxGapS: number;
  readonly maxSpeedMS: number;
}

/**
 * Defaults and why: two calibrated ceiling cameras place one person within ~0.3 m of each other
 * (calibration error ≤ analysis bound 0.25 m plus a few cm of noise), while people walking side by side
 * are 0.5–0.8 m apart — 1 m gates the first in and leaves the choice between neighbours to the mean
 * distance. One second of agreement is 5 frames at the smart cameras' 5 fps. Two seconds bridge the
 * blind strip between touching views and a tracker's brief loss without joining strangers. 2.5 m/s is a
 * brisk walk; nobody in a shop runs farther than that during a gap.
 */
export const JOURNEY_DEFAULTS: JourneyOptions = { gateM: 1, minOverlapS: 1, maxGapS: 2, maxSpeedMS: 2.5 };

/** Bounds accepted for each key (the config schema should declare the same). */
export const JOURNEY_BOUNDS = {
  gate_m: [0.05, 10],
  min_overlap_s: [0, 30],
  max_gap_s: [0, 60],
  max_speed_m_s: [0, 10],
} as const;

function bounded(input: JourneyInput, key: keyof JourneyInput, fallback: number): number {
  const value = input[key] ?? fallback;
  const [min, max] = JOURNEY_BOUNDS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`analysis.journeys.${key} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Validated options with defaults; throws an error naming the key for a value out of bounds. */
export function journeyOptions(input: JourneyInput = {}): JourneyOptions {
  return {
    gateM: bounded(input, 'gate_m', JOURNEY_DEFAULTS.gateM),
    minOverlapS: bounded(input, 'min_overlap_s', JOURNEY_DEFAULTS.minOverlapS),
    maxGapS: bounded(input, 'max_gap_s', JOURNEY_DEFAULTS.maxGapS),
    maxSpeedMS: bounded(input, 'max_speed_m_s', JOURNEY_DEFAULTS.maxSpeedMS),
  };
}
