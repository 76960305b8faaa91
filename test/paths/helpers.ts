/**
 * Small builders for the §5 rule tests: rectangles, tracks as [t, x, y] lists, and floors written as
 * plain objects but always passed through the config loader (schema defaults, bounds and cross-field
 * checks), as the gateway and `omo-edge analyze` do — the engines have no defaults of their own.
 */
import { type GatewayConfig, type LineConfig, parseConfig, type ZoneConfig } from '../../src/config/index.js';
import { type AnalyzeResult, analyze } from '../../src/paths/analyze.js';
import { compileFloor, type FloorModel } from '../../src/paths/floor-model.js';
import { readTracksFile, type TrackFormat, type TrackRow } from '../../src/paths/tracks-file.js';

export type Point = [number, number];

export function rect(x0: number, y0: number, x1: number, y1: number): Point[] {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

export function track(id: string, samples: readonly (readonly [number, number, number])[]): TrackRow[] {
  return samples.map(([t, x, y]) => ({ t, id, x, y }));
}

/** A straight walk from (x0, y) to (x1, y), one sample every `dt` seconds starting at `t0`. */
export function walk(id: string, t0: number, x0: number, x1: number, y: number, dt = 1, steps = 10): TrackRow[] {
  return Array.from({ length: steps + 1 }, (_, i) => ({ t: t0 + i * dt, id, x: x0 + ((x1 - x0) * i) / steps, y }));
}

/** A floor as written in YAML: zones and lines with only the keys a test cares about. */
export interface FloorParts {
  bounds?: { min: Point; max: Point };
  zones?: (Pick<ZoneConfig, 'id' | 'kind' | 'polygon'> & Partial<ZoneConfig>)[];
  lines?: (Pick<LineConfig, 'id' | 'from' | 'to'> & Partial<LineConfig>)[];
  heatmap_cell_m?: number;
  heatmap_max_gap_s?: number;
}

/** A whole validated config around `floor` (bounds default to 20 m × 20 m here) and `analysis`. */
export function configOf(floor: FloorParts, analysis: Record<string, unknown> = {}): GatewayConfig {
  const sections = {
    store: { id: 'test-store' },
    gateway: { id: 'test-gw', log_level: 'silent' },
    floor: { bounds: { min: [0, 0], max: [20, 20] }, ...floor },
    analysis,
  };
  return parseConfig(JSON.stringify(sections), 'test-config.json', { env: {} });
}

export function modelOf(floor: FloorParts, analysis: Record<string, unknown> = {}, binS?: number): FloorModel {
  const config = configOf(floor, analysis);
  return compileFloor(config.floor, config.analysis, binS);
}

export function run(
  floor: FloorParts,
  tracks: TrackRow[],
  analysis: Record<string, unknown> = {},
  binS = 60,
): AnalyzeResult {
  const config = configOf(floor, analysis);
  return analyze({ floor: config.floor, analysis: config.analysis, tracks }, { binS });
}

/** `omo-edge analyze` without the process: a loaded config's sections over a track file. */
export async function analyzeFile(
  config: GatewayConfig,
  file: string,
  format: TrackFormat,
  options: { binS?: number; fps?: number } = {},
): Promise<AnalyzeResult> {
  const tracks = await readTracksFile(file, format, options.fps);
  return analyze({ floor: config.floor, analysis: config.analysis, tracks }, { binS: options.binS });
}
