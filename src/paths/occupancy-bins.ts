/**
 * Occupancy per bin (ARCHITECTURE §5 "Occupancy"): from the presence intervals of every track, each bin
 * [b, b + bin_s] reports
 *   end  — the occupancy at the instant b + bin_s (the definition applied at t = bin end),
 *   max  — the largest occupancy at any instant of the closed bin [b, b + bin_s], so max ≥ end,
 *   mean — person-seconds inside during the bin / bin_s.
 * Intervals are additive across tracks, so they can arrive in any order (track by track offline, as
 * tracks end live); the maximum needs them all and is computed by a sweep when the bin is read.
 */

export class OccupancyBin {
  end = 0;
  /** Clipped intervals: start, end, 1 if the end instant is included (read by the checkpoint). */
  readonly segments: number[] = [];

  add(start: number, end: number, closedEnd: boolean, binStart: number, binEnd: number): void {
    const a = Math.max(start, binStart);
    const e = Math.min(end, binEnd);
    // Present at the instant binEnd when the interval reaches past it, or ends exactly there and is closed.
    const atEnd = end > binEnd || (end === binEnd && closedEnd);
    if (atEnd) this.end += 1;
    this.segments.push(a, e, end > binEnd || closedEnd ? 1 : 0);
  }

  /** Adds every interval of `other`, an OccupancyBin of the same bin (a bin composed of parts). */
  addAll(other: OccupancyBin): void {
    this.end += other.end;
    for (const value of other.segments) this.segments.push(value);
  }

  /**
   * Person-seconds inside during the bin, summed over the intervals in sorted order so that the same
   * intervals give the same bits whichever order they arrived in (live and offline agree exactly).
   */
  personSeconds(): number {
    const s = this.segments;
    const lengths: number[] = [];
    for (let i = 0; i < s.length; i += 3) lengths.push((s[i + 1] as number) - (s[i] as number));
    lengths.sort((p, q) => p - q);
    let total = 0;
    for (const length of lengths) total += length;
    return total;
  }

  /** Sweep: at one instant half-open ends leave first, then starts arrive, then the count is read. */
  max(): number {
    const s = this.segments;
    const events: [number, number, number][] = [];
    for (let i = 0; i < s.length; i += 3) {
      events.push([s[i] as number, 1, 1]);
      events.push([s[i + 1] as number, s[i + 2] === 1 ? 2 : 0, -1]);
    }
    events.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    let count = 0;
    let best = 0;
    for (const [, , delta] of events) {
      count += delta;
      if (count > best) best = count;
    }
    return best;
  }
}

/** Bins an interval touches: [start, end] closed, or [start, end) when it ends exactly on a bin edge. */
export function binsOfInterval(start: number, end: number, closedEnd: boolean, binS: number): [number, number] {
  const first = Math.floor(start / binS);
  let last = Math.floor(end / binS);
  if (!closedEnd && end === last * binS && last > first) last -= 1;
  return [first, last];
}
