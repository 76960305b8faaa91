/**
 * The floor as the engines use it: config sections (FloorConfig, AnalysisConfig) compiled once into
 * indexed zones and lines with every §5 default applied. The engines accept configs straight from the
 * loader (defaults already filled) or plain objects written in code (defaults filled here), and refuse
 * input they cannot analyse with an error naming the key.
 */
import type { FloorConfig, GatewayConfig, LineConfig, ZoneConfig } from '../config/schema.js';
import { type CompiledPolygon, compilePolygon, type Point } from './geometry.js';

export type ZoneKind = ZoneConfig['kind'];
export type AnalysisConfig = GatewayConfig['analysis'];

/** A zone as written in config, with the §5 parameters optional (their defaults are applied). */
export type ZoneInput = Pick<ZoneConfig, 'id' | 'kind' | 'polygon'> & Partial<ZoneConfig>;
export type LineInput = Pick<LineConfig, 'id' | 'from' | 'to'> & Partial<LineConfig>;
export interface FloorInput {
  bounds?: { min: Point; max: Point };
  zones?: readonly ZoneInput[];
  lines?: readonly LineInput[];
  heatmap_cell_m?: number;
  heatmap_max_gap_s?: number;
}
export type AnalysisInput = Partial<AnalysisConfig>;

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

// §5 defaults, the same values the config schema declares.
export const DEFAULTS = {
  exitGraceS: 1,
  minDwellS: 0,
  dwellThresholdS: 10,
  staleS: 2,
  cellM: 0.5,
  maxGapS: 2,
  binS: 60,
  groupWindowS: 2,
  groupDistanceM: 1.5,
  bounds: { min: [0, 0] as Point, max: [30, 20] as Point },
} as const;

function nonNegative(value: number | undefined, fallback: number, key: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new Error(`${key} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

function positive(value: number | undefined, fallback: number, key: string): number {
  const v = nonNegative(value, fallback, key);
  if (v === 0) throw new Error(`${key} must be greater than 0`);
  return v;
}

function compileZone(zone: ZoneInput, index: number): Zone {
  const key = `floor.zones[${index}]`;
  if (typeof zone.id !== 'string' || zone.id === '') throw new Error(`${key}.id must be a non-empty string`);
  const kinds: readonly ZoneKind[] = ['area', 'queue', 'viewing', 'shelf_front', 'staff_only'];
  if (!kinds.includes(zone.kind))
    throw new Error(`${key}.kind must be one of ${kinds.join(', ')}, got ${String(zone.kind)}`);
  let polygon: CompiledPolygon;
  try {
    polygon = compilePolygon(zone.polygon);
  } catch (error) {
    throw new Error(`${key}.polygon (zone ${zone.id}): ${(error as Error).message}`);
  }
  return {
    index,
    id: zone.id,
    kind: zone.kind,
    polygon,
    exitGraceS: nonNegative(zone.exit_grace_s, DEFAULTS.exitGraceS, `${key}.exit_grace_s`),
    minDwellS: nonNegative(zone.min_dwell_s, DEFAULTS.minDwellS, `${key}.min_dwell_s`),
    dwellThresholdS: nonNegative(zone.dwell_threshold_s, DEFAULTS.dwellThresholdS, `${key}.dwell_threshold_s`),
    staleS: nonNegative(zone.stale_s, DEFAULTS.staleS, `${key}.stale_s`),
  };
}

function compileLine(line: LineInput, index: number): Line {
  const key = `floor.lines[${index}]`;
  if (typeof line.id !== 'string' || line.id === '') throw new Error(`${key}.id must be a non-empty string`);
  const [px, py] = line.from;
  const [qx, qy] = line.to;
  if (![px, py, qx, qy].every(Number.isFinite))
    throw new Error(`${key} (line ${line.id}): from and to must be finite [x, y]`);
  if (px === qx && py === qy)
    throw new Error(`${key} (line ${line.id}): from and to are the same point; a line needs length`);
  const mode = line.mode ?? 'net';
  if (mode !== 'net' && mode !== 'every') throw new Error(`${key}.mode must be net or every, got ${String(mode)}`);
  return { index, id: line.id, px, py, qx, qy, mode, entrance: line.entrance ?? false };
}

function uniqueIds(items: readonly { id: string }[], what: string): void {
  const seen = new Set<string>();
  for (const { id } of items) {
    if (seen.has(id)) throw new Error(`floor.${what}: id ${id} is used twice`);
    seen.add(id);
  }
}

/** Compiles floor and analysis config into the engines' model; `binS` overrides `analysis.bin_s`. */
export function compileFloor(floor: FloorInput | FloorConfig, analysis: AnalysisInput = {}, binS?: number): FloorModel {
  const zones = (floor.zones ?? []).map(compileZone);
  const lines = (floor.lines ?? []).map(compileLine);
  uniqueIds(zones, 'zones');
  uniqueIds(lines, 'lines');
  const bounds = floor.bounds ?? DEFAULTS.bounds;
  const [minX, minY] = bounds.min;
  const [maxX, maxY] = bounds.max;
  if (![minX, minY, maxX, maxY].every(Number.isFinite) || !(maxX > minX) || !(maxY > minY)) {
    throw new Error('floor.bounds: max must be greater than min on both axes');
  }
  return {
    zones,
    lines,
    bounds: { minX, minY, maxX, maxY },
    cellM: positive(floor.heatmap_cell_m, DEFAULTS.cellM, 'floor.heatmap_cell_m'),
    maxGapS: nonNegative(floor.heatmap_max_gap_s, DEFAULTS.maxGapS, 'floor.heatmap_max_gap_s'),
    binS: positive(binS ?? analysis.bin_s, DEFAULTS.binS, binS === undefined ? 'analysis.bin_s' : '--bin'),
    groupWindowS: nonNegative(analysis.group_window_s, DEFAULTS.groupWindowS, 'analysis.group_window_s'),
    groupDistanceM: nonNegative(analysis.group_distance_m, DEFAULTS.groupDistanceM, 'analysis.group_distance_m'),
  };
}
