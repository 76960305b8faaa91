/**
 * Paths and transitions over `area` zones (ARCHITECTURE §5 "Area zones and paths"). A track's path is
 * the sequence of the zones of its counted area-zone visits ordered by start, consecutive repeats of one
 * zone collapsed; a transition A→B is two consecutive entries of the path. Area zones do not overlap, so
 * two visits can only start at the same instant when a sample lies exactly on a shared edge (inside
 * both); such ties are ordered by end, then by the zones' order in the config (a decision).
 */

export interface AreaVisit {
  zone: number;
  start: number;
  end: number;
}

export interface PathEntry {
  zone: number;
  /** Start of the first visit of this entry: when the track moved into the zone. */
  start: number;
}

export function buildPath(visits: readonly AreaVisit[]): PathEntry[] {
  const ordered = [...visits].sort((a, b) => a.start - b.start || a.end - b.end || a.zone - b.zone);
  const path: PathEntry[] = [];
  for (const visit of ordered) {
    if (path.length > 0 && (path[path.length - 1] as PathEntry).zone === visit.zone) continue;
    path.push({ zone: visit.zone, start: visit.start });
  }
  return path;
}

/** Counts keyed by zone ids joined with a separator no id can contain (ids are [A-Za-z0-9_.-]). */
export const PATH_SEPARATOR = '\u0000';

export function pathKey(zoneIds: readonly string[]): string {
  return zoneIds.join(PATH_SEPARATOR);
}

export function splitPathKey(key: string): string[] {
  return key.split(PATH_SEPARATOR);
}

/** Sort for output: most frequent first, then zone ids in order (deterministic). */
export function compareByCountThenZones(
  a: { count: number; zones: readonly string[] },
  b: { count: number; zones: readonly string[] },
): number {
  if (a.count !== b.count) return b.count - a.count;
  const n = Math.min(a.zones.length, b.zones.length);
  for (let i = 0; i < n; i++) {
    const x = a.zones[i] as string;
    const y = b.zones[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.zones.length - b.zones.length;
}
