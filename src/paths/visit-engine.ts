/**
 * Zone visits (ARCHITECTURE §5 "Visit"). Per track and zone: a visit is a maximal run of consecutive
 * inside samples; runs whose gap (last inside sample of one → first inside sample of the next) is less
 * than exit_grace_s merge into one visit. Start = first inside sample, end = last inside sample,
 * dwell = end − start. Only visits with dwell ≥ min_dwell_s are emitted; the aggregator splits them into
 * dwells (dwell ≥ dwell_threshold_s) and pass-throughs. Works sample by sample on event time.
 */
import type { Zone } from './floor-model.js';
import type { EngineSink } from './sink.js';

export interface VisitState {
  /** 1 while a visit is open (its last inside sample may still merge with a later run). */
  readonly open: Uint8Array;
  /** 1 when the track's previous sample was inside the zone (the current run continues). */
  readonly prevInside: Uint8Array;
  readonly start: Float64Array;
  readonly lastInside: Float64Array;
}

export class VisitEngine {
  private readonly grace: Float64Array;
  private readonly minDwell: Float64Array;

  constructor(private readonly zones: readonly Zone[]) {
    this.grace = Float64Array.from(zones, (zone) => zone.exitGraceS);
    this.minDwell = Float64Array.from(zones, (zone) => zone.minDwellS);
  }

  createState(): VisitState {
    const n = this.zones.length;
    return {
      open: new Uint8Array(n),
      prevInside: new Uint8Array(n),
      start: new Float64Array(n),
      lastInside: new Float64Array(n),
    };
  }

  /** `inside[z]` is 1 when the sample at time `t` is inside zone z. Samples come in time order. */
  onSample(state: VisitState, t: number, inside: Uint8Array, sink: EngineSink): void {
    const { open, prevInside, start, lastInside } = state;
    const grace = this.grace;
    for (let z = 0; z < grace.length; z++) {
      if (inside[z] === 1) {
        if (open[z] === 0) {
          open[z] = 1;
          start[z] = t;
        } else if (prevInside[z] === 0 && !(t - (lastInside[z] as number) < (grace[z] as number))) {
          // A new run too far from the previous one: the open visit ends at its last inside sample.
          this.emit(z, start[z] as number, lastInside[z] as number, sink);
          start[z] = t;
        }
        lastInside[z] = t;
        prevInside[z] = 1;
      } else {
        prevInside[z] = 0;
        // Once the grace has run out no later run can merge (later samples are no earlier than t), so
        // the visit closes now rather than at track end: live consumers see it one grace period late.
        if (open[z] === 1 && t - (lastInside[z] as number) >= (grace[z] as number)) {
          this.emit(z, start[z] as number, lastInside[z] as number, sink);
          open[z] = 0;
        }
      }
    }
  }

  /** The track ended: an open visit closes at its last inside sample (§5). */
  close(state: VisitState, sink: EngineSink): void {
    this.pending(state, sink);
    state.open.fill(0);
  }

  /** What close() would emit now, leaving the state as it is (a track's figures as if it ended now). */
  pending(state: VisitState, sink: EngineSink): void {
    for (let z = 0; z < this.zones.length; z++) {
      if (state.open[z] === 1) this.emit(z, state.start[z] as number, state.lastInside[z] as number, sink);
    }
  }

  private emit(z: number, start: number, end: number, sink: EngineSink): void {
    if (end - start >= (this.minDwell[z] as number)) sink.visit(z, start, end);
  }
}
