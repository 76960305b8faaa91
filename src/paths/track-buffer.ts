/**
 * Everything one track has contributed so far, held until the track ends (§5 "Staff": a track that is
 * ever inside a staff_only zone is staff from its first sample, so nothing it did may reach a customer
 * figure before we know it never was). Flat number arrays: no object per record on the hot path.
 */
import type { EngineSink } from './sink.js';

export class TrackBuffer implements EngineSink {
  /** zone, start, end */
  readonly visits: number[] = [];
  /** zone, start, end, closedEnd (1/0) */
  readonly presences: number[] = [];
  /** bin, cell, seconds */
  readonly heats: number[] = [];
  /** line, direction, t, x, y — every crossing, for store visits */
  readonly crossings: number[] = [];
  /** line, direction, t, x, y — counted crossings (every mode: each; net mode: the net one at the end) */
  readonly counteds: number[] = [];

  visit(zone: number, start: number, end: number): void {
    this.visits.push(zone, start, end);
  }

  presence(zone: number, start: number, end: number, closedEnd: boolean): void {
    this.presences.push(zone, start, end, closedEnd ? 1 : 0);
  }

  heat(bin: number, cell: number, seconds: number): void {
    this.heats.push(bin, cell, seconds);
  }

  crossing(line: number, direction: 1 | -1, t: number, x: number, y: number): void {
    this.crossings.push(line, direction, t, x, y);
  }

  counted(line: number, direction: 1 | -1, t: number, x: number, y: number): void {
    this.counteds.push(line, direction, t, x, y);
  }

  /** A copy, for a track's figures as if it ended now (the engines' pending() add to it). */
  copy(): TrackBuffer {
    const copy = new TrackBuffer();
    // A loop, not push(...): a track open for days holds more numbers than a call takes arguments.
    const append = (into: number[], from: readonly number[]) => {
      for (const value of from) into.push(value);
    };
    append(copy.visits, this.visits);
    append(copy.presences, this.presences);
    append(copy.heats, this.heats);
    append(copy.crossings, this.crossings);
    append(copy.counteds, this.counteds);
    return copy;
  }

  clear(): void {
    this.visits.length = 0;
    this.presences.length = 0;
    this.heats.length = 0;
    this.crossings.length = 0;
    this.counteds.length = 0;
  }

  /** Approximate bytes held (8 per number), for the per-track memory figure. */
  heldBytes(): number {
    return (
      8 *
      (this.visits.length + this.presences.length + this.heats.length + this.crossings.length + this.counteds.length)
    );
  }
}
