/**
 * What the per-track engines emit. Engines call these with plain numbers (no record objects per sample);
 * the analyzer gives each track a TrackBuffer that implements this interface, so a track's contributions
 * can be held until it ends and dropped if it turns out to be staff (§5 "Staff").
 */
export interface EngineSink {
  /** A counted visit (dwell ≥ min_dwell_s) of zone `zone` from `start` to `end` (event seconds). */
  visit(zone: number, start: number, end: number): void;
  /**
   * An interval during which the track counts towards the occupancy of `zone` (§5 "Occupancy"):
   * [start, end] when `closedEnd`, else [start, end).
   */
  presence(zone: number, start: number, end: number, closedEnd: boolean): void;
  /** Heatmap person-seconds for one grid cell in one bin (consecutive samples of a run already summed). */
  heat(bin: number, cell: number, seconds: number): void;
  /** A crossing of a counting line; direction +1 = in (right → left), −1 = out; (x, y) where it crossed. */
  crossing(line: number, direction: 1 | -1, t: number, x: number, y: number): void;
  /** A counted crossing: every crossing in `every` mode; the track's net result in `net` mode. */
  counted(line: number, direction: 1 | -1, t: number, x: number, y: number): void;
}
