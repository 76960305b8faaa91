/**
 * Direction from a beam-break pair (ARCHITECTURE §2 gpio). Two beams a few cm apart across the door: the
 * outer one on the street side, the inner one on the shop side. Someone walking in breaks the outer beam
 * first and leaves the inner one last; walking out, the reverse. One crossing runs from the first beam
 * broken while both were clear to the moment both are clear again, and is judged by the first beam broken
 * and the last beam cleared:
 *   first outer, last inner → in;  first inner, last outer → out;
 *   first and last the same beam → turned back (a half-crossing: counts nothing);
 *   longer than `max_crossing_ms` → abandoned (someone stood in the door: counts nothing).
 * People close together count one each as long as both beams are clear for a moment between them
 * (beams a few cm apart are clear between two bodies walking 300 ms apart). Two people pressed together
 * through the door count as one: the pair cannot see a gap that is not there.
 * Input levels arrive debounced (debounce.ts), stamped with the time each beam really changed.
 */

export type Beam = 'outer' | 'inner';
export type CrossingOutcome = 'in' | 'out' | 'turned_back' | 'abandoned';

export interface CrossingResult {
  outcome: CrossingOutcome;
  /** When the first beam broke and when both were clear again (epoch ms). */
  startedAt: number;
  endedAt: number;
}

export class BeamPair {
  private readonly broken: Record<Beam, boolean> = { outer: false, inner: false };
  private crossing: { first: Beam; startedAt: number } | undefined;

  constructor(
    private readonly maxCrossingMs: number,
    private readonly onCrossing: (result: CrossingResult) => void,
  ) {}

  /** Beam states at start-up: a beam already broken then starts no crossing. */
  reset(outer: boolean, inner: boolean): void {
    this.broken.outer = outer;
    this.broken.inner = inner;
    this.crossing = undefined;
  }

  /** Which beams are broken now. */
  state(): Readonly<Record<Beam, boolean>> {
    return { ...this.broken };
  }

  change(beam: Beam, broken: boolean, ts: number): void {
    if (this.broken[beam] === broken) return;
    this.broken[beam] = broken;
    if (broken) {
      this.crossing ??= { first: beam, startedAt: ts };
      return;
    }
    const crossing = this.crossing;
    if (crossing === undefined || this.broken.outer || this.broken.inner) return;
    this.crossing = undefined;
    this.onCrossing({
      outcome: judge(crossing.first, beam, ts - crossing.startedAt, this.maxCrossingMs),
      startedAt: crossing.startedAt,
      endedAt: ts,
    });
  }
}

function judge(first: Beam, last: Beam, durationMs: number, maxCrossingMs: number): CrossingOutcome {
  if (durationMs > maxCrossingMs) return 'abandoned';
  if (first === last) return 'turned_back';
  return first === 'outer' ? 'in' : 'out';
}
