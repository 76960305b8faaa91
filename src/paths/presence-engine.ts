/**
 * Occupancy presence per track (ARCHITECTURE §5 "Occupancy"): at time t a track counts in a zone when its
 * newest sample at or before t is at most stale_s old and inside the zone. So an inside sample s_i keeps
 * the track present from t_i until the next sample (half-open [t_i, t_i+1)) or, when the next sample is
 * more than stale_s later or never comes, until exactly t_i + stale_s (closed [t_i, t_i + stale_s]).
 * Consecutive inside samples join into one interval. Two samples with the same time: the later one is
 * the newest, so the earlier one contributes an empty interval and nothing is emitted for it.
 */
import type { Zone } from './floor-model.js';
import type { EngineSink } from './sink.js';

export interface PresenceState {
  /** 1 while the track is present in the zone from `runStart` on. */
  readonly present: Uint8Array;
  readonly runStart: Float64Array;
  /** Time of the track's previous sample (NaN before the first). */
  prevT: number;
}

export class PresenceEngine {
  private readonly stale: Float64Array;

  constructor(private readonly zones: readonly Zone[]) {
    this.stale = Float64Array.from(zones, (zone) => zone.staleS);
  }

  createState(): PresenceState {
    const n = this.zones.length;
    return { present: new Uint8Array(n), runStart: new Float64Array(n), prevT: Number.NaN };
  }

  onSample(state: PresenceState, t: number, inside: Uint8Array, sink: EngineSink): void {
    const { present, runStart, prevT } = state;
    const stale = this.stale;
    for (let z = 0; z < stale.length; z++) {
      if (present[z] === 1) {
        const staleS = stale[z] as number;
        if (t - prevT > staleS) {
          // The previous sample went stale before this one arrived.
          sink.presence(z, runStart[z] as number, prevT + staleS, true);
          present[z] = 0;
        } else if (inside[z] !== 1) {
          if (t > (runStart[z] as number)) sink.presence(z, runStart[z] as number, t, false);
          present[z] = 0;
        }
      }
      if (inside[z] === 1 && present[z] === 0) {
        present[z] = 1;
        runStart[z] = t;
      }
    }
    state.prevT = t;
  }

  /** The track ended: its last inside sample keeps it present for stale_s more. */
  close(state: PresenceState, sink: EngineSink): void {
    this.pending(state, sink);
    state.present.fill(0);
  }

  /** What close() would emit now, leaving the state as it is (a track's figures as if it ended now). */
  pending(state: PresenceState, sink: EngineSink): void {
    for (let z = 0; z < this.zones.length; z++) {
      if (state.present[z] === 1)
        sink.presence(z, state.runStart[z] as number, state.prevT + (this.zones[z] as Zone).staleS, true);
    }
  }
}
