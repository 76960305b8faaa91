/**
 * An independent, deliberately naive computation of ARCHITECTURE §5 for the zara01 tests. It shares no
 * code with src/paths: its own obsmat reader, rectangle zones (the fixture's zones are all axis-aligned
 * rectangles, so "inside or on the boundary" is four comparisons), axis-aligned counting lines, and
 * occupancy evaluated straight from its definition at every instant where it can change.
 */
export interface Sample {
  t: number;
  x: number;
  y: number;
}

export interface Rect {
  id: string;
  kind: string;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  grace: number;
  minDwell: number;
  threshold: number;
  stale: number;
}

export interface AxisLine {
  id: string;
  from: [number, number];
  to: [number, number];
  mode: 'net' | 'every';
}

export function readObsmat(text: string, fps = 25): Map<string, Sample[]> {
  const tracks = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const id = String(Number(cols[1]));
    const list = tracks.get(id) ?? [];
    list.push({ t: Number(cols[0]) / fps, x: Number(cols[2]), y: Number(cols[4]) });
    tracks.set(id, list);
  }
  for (const list of tracks.values()) list.sort((a, b) => a.t - b.t);
  return tracks;
}

export function toRect(
  zone: { id: string; kind: string; polygon: [number, number][] } & Record<string, unknown>,
): Rect {
  const xs = zone.polygon.map((p) => p[0]);
  const ys = zone.polygon.map((p) => p[1]);
  const rect = { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  const isRect =
    zone.polygon.length === 4 &&
    zone.polygon.every(([x, y]) => (x === rect.minX || x === rect.maxX) && (y === rect.minY || y === rect.maxY));
  if (!isRect) throw new Error(`brute force handles axis-aligned rectangles only; ${zone.id} is not one`);
  const num = (key: string, fallback: number) => (typeof zone[key] === 'number' ? (zone[key] as number) : fallback);
  return {
    id: zone.id,
    kind: zone.kind,
    ...rect,
    grace: num('exit_grace_s', 1),
    minDwell: num('min_dwell_s', 0),
    threshold: num('dwell_threshold_s', 10),
    stale: num('stale_s', 2),
  };
}

export const inRect = (r: Rect, s: { x: number; y: number }) =>
  s.x >= r.minX && s.x <= r.maxX && s.y >= r.minY && s.y <= r.maxY;

export interface Visit {
  zone: string;
  start: number;
  end: number;
}

/** All visits (before min dwell) of one track in one zone, straight from the definition. */
export function visitsOf(samples: Sample[], r: Rect): Visit[] {
  const runs: { start: number; end: number }[] = [];
  let run: { start: number; end: number } | null = null;
  for (const s of samples) {
    if (inRect(r, s)) {
      if (run === null) run = { start: s.t, end: s.t };
      else run.end = s.t;
    } else if (run !== null) {
      runs.push(run);
      run = null;
    }
  }
  if (run !== null) runs.push(run);
  const visits: Visit[] = [];
  for (const next of runs) {
    const prev = visits[visits.length - 1];
    if (prev !== undefined && next.start - prev.end < r.grace) prev.end = next.end;
    else visits.push({ zone: r.id, start: next.start, end: next.end });
  }
  return visits;
}

export interface Crossing {
  track: string;
  dir: 1 | -1;
  t: number;
  x: number;
  y: number;
}

/** Crossings of an axis-aligned line: side from the coordinate across it, point by interpolation. */
export function crossingsOf(track: string, samples: Sample[], line: AxisLine): Crossing[] {
  const [px, py] = line.from;
  const [qx, qy] = line.to;
  const vertical = px === qx;
  if (!vertical && py !== qy) throw new Error('brute force handles axis-aligned lines only');
  // Left of P→Q: for a vertical line going down (qy < py) left is +x; for a horizontal one going right, +y.
  const sideOf = (s: Sample) => {
    const d = vertical ? (s.x - px) * (qy < py ? 1 : -1) : (s.y - py) * (qx > px ? 1 : -1);
    return d > 0 ? 1 : d < 0 ? -1 : 0;
  };
  const lo = vertical ? Math.min(py, qy) : Math.min(px, qx);
  const hi = vertical ? Math.max(py, qy) : Math.max(px, qx);
  const out: Crossing[] = [];
  let side = 0;
  let prev: Sample | null = null;
  for (const s of samples) {
    const raw = sideOf(s);
    const now = raw === 0 ? side : raw;
    if (prev !== null && side !== 0 && now !== side) {
      const f = vertical ? (px - prev.x) / (s.x - prev.x) : (py - prev.y) / (s.y - prev.y);
      const along = vertical ? prev.y + f * (s.y - prev.y) : prev.x + f * (s.x - prev.x);
      if (along >= lo && along <= hi) {
        out.push({ track, dir: now as 1 | -1, t: s.t, x: vertical ? px : along, y: vertical ? along : py });
      }
    }
    side = now;
    prev = s;
  }
  return out;
}

/** Counted crossings of one track: all of them (every) or its net one, timed at its last such crossing. */
export function countedOf(crossings: Crossing[], mode: 'net' | 'every'): Crossing[] {
  if (mode === 'every') return crossings;
  const ins = crossings.filter((c) => c.dir === 1);
  const outs = crossings.filter((c) => c.dir === -1);
  if (ins.length > outs.length) return [ins[ins.length - 1] as Crossing];
  if (outs.length > ins.length) return [outs[outs.length - 1] as Crossing];
  return [];
}

/** Connected components by breadth-first search over all pairs. */
export function countGroups(crossings: Crossing[], window: number, distance: number): number {
  const seen = new Array<boolean>(crossings.length).fill(false);
  let groups = 0;
  for (let i = 0; i < crossings.length; i++) {
    if (seen[i]) continue;
    groups += 1;
    const queue = [i];
    seen[i] = true;
    while (queue.length > 0) {
      const a = crossings[queue.pop() as number] as Crossing;
      crossings.forEach((b, j) => {
        if (!seen[j] && Math.abs(a.t - b.t) <= window && Math.hypot(a.x - b.x, a.y - b.y) <= distance) {
          seen[j] = true;
          queue.push(j);
        }
      });
    }
  }
  return groups;
}

/** Nearest rank by the definition: the smallest value with at least q·n values at or below it. */
export function nearestRankByDefinition(values: number[], percent: number): number {
  const candidates = [...values].sort((a, b) => a - b);
  for (const v of candidates) {
    if (values.filter((w) => w <= v).length * 100 >= percent * values.length) return v;
  }
  return 0;
}

/** §5 occupancy at instant t, from the definition: newest sample at or before t, at most stale old, inside. */
export function occupancyAt(tracks: Sample[][], r: Rect, t: number): number {
  let n = 0;
  for (const samples of tracks) {
    let newest: Sample | undefined;
    for (const s of samples) if (s.t <= t) newest = s;
    if (newest !== undefined && t - newest.t <= r.stale && inRect(r, newest)) n += 1;
  }
  return n;
}
