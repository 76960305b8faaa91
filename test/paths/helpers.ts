/** Small builders for the §5 rule tests: rectangles, tracks as [t, x, y] lists, analyze on them. */
import { type AnalyzeResult, analyze } from '../../src/paths/analyze.js';
import type { FloorInput, LineInput, ZoneInput } from '../../src/paths/floor-model.js';
import type { TrackRow } from '../../src/paths/tracks-file.js';

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

export function floor(
  parts: { zones?: ZoneInput[]; lines?: LineInput[] } & Omit<FloorInput, 'zones' | 'lines'>,
): FloorInput {
  return { bounds: { min: [0, 0], max: [20, 20] }, ...parts };
}

export function run(
  parts: Parameters<typeof floor>[0],
  tracks: TrackRow[],
  analysis: Record<string, number> = {},
  binS = 60,
): AnalyzeResult {
  return analyze({ floor: floor(parts), analysis, tracks }, { binS });
}
