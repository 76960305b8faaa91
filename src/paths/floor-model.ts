/**
 * The floor as the engines use it: the validated config sections (FloorConfig, AnalysisConfig) compiled
 * once into indexed zones and lines. Every default and bound lives in the config schema
 * (src/config/schema-floor.ts) and every cross-field rule in its checks (unique ids, simple polygons,
 * lines with length, bounds ordered), so this file only translates: whoever builds a model — the
 * gateway, `omo-edge analyze`, a test — loads the config through the loader first.
 */
import type { FloorConfig, GatewayConfig, ZoneConfig } from '../config/schema.js';
import { type CompiledPolygon, compilePolygon } from './geometry.js';

export type ZoneKind = ZoneConfig['kind'];
export type AnalysisConfig = GatewayConfig['analysis'];

export interface Zone {
  readonly index: number;
  readonly id: string;
  readonly kind: ZoneKind;
  readonly polygon: CompiledPolygon;
  readonly exitGraceS: number;
  readonly minDwellS: number;
  readonly dwellThresholdS: number;
  readonly staleS: number;
}

export interface Line {
  readonly index: number;
  readonly id: string;
  readonly px: number;
  readonly py: number;
  readonly qx: number;
  readonly qy: number;
  readonly mode: 'net' | 'every';
  readonly entrance: boolean;
}

export interface FloorModel {
  readonly zones: readonly Zone[];
  readonly lines: readonly Line[];
  readonly bounds: { readonly minX: number; readonly minY: number; readonly maxX: number; readonly maxY: number };
  readonly cellM: number;
  readonly maxGapS: number;
  readonly binS: number;
  readonly groupWindowS: number;
  readonly groupDistanceM: number;
}

/** Compiles the validated floor and analysis sections into the engines' model; `binS` overrides `analysis.bin_s` (`analyze --bin`). */
export function compileFloor(floor: FloorConfig, analysis: AnalysisConfig, binS?: number): FloorModel {
  const [minX, minY] = floor.bounds.min;
  const [maxX, maxY] = floor.bounds.max;
  return {
    zones: floor.zones.map((zone, index) => ({
      index,
      id: zone.id,
      kind: zone.kind,
      polygon: compilePolygon(zone.polygon),
      exitGraceS: zone.exit_grace_s,
      minDwellS: zone.min_dwell_s,
      dwellThresholdS: zone.dwell_threshold_s,
      staleS: zone.stale_s,
    })),
    lines: floor.lines.map((line, index) => ({
      index,
      id: line.id,
      px: line.from[0],
      py: line.from[1],
      qx: line.to[0],
      qy: line.to[1],
      mode: line.mode,
      entrance: line.entrance,
    })),
    bounds: { minX, minY, maxX, maxY },
    cellM: floor.heatmap_cell_m,
    maxGapS: floor.heatmap_max_gap_s,
    binS: binS ?? analysis.bin_s,
    groupWindowS: analysis.group_window_s,
    groupDistanceM: analysis.group_distance_m,
  };
}
