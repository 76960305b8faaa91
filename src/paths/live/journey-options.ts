/**
 * Settings of journey stitching (issue 3 "Journeys across cameras"): when two camera tracks are one
 * person. The keys, their defaults, bounds and the reasons for them are in the config schema
 * (`analysis.journeys`, src/config/schema-floor.ts); this is the validated section in the stitcher's
 * camelCase.
 */
import type { GatewayConfig } from '../../config/schema.js';

export type JourneyConfig = GatewayConfig['analysis']['journeys'];

export interface JourneyOptions {
  readonly gateM: number;
  readonly minOverlapS: number;
  readonly maxGapS: number;
  readonly maxSpeedMS: number;
}

export function journeyOptions(journeys: JourneyConfig): JourneyOptions {
  return {
    gateM: journeys.gate_m,
    minOverlapS: journeys.min_overlap_s,
    maxGapS: journeys.max_gap_s,
    maxSpeedMS: journeys.max_speed_m_s,
  };
}
