/**
 * Counting-line crossings (ARCHITECTURE §5 "Line crossing"). A line is the segment P→Q; the side of a
 * sample is the sign of cross(Q − P, s − P), positive = left = in. A sample exactly on the line keeps the
 * side of the sample before it; a track whose first samples lie on the line has no side until it leaves
 * it, and leaving to either side is not a crossing (a decision: no earlier side, nothing crossed). A
 * crossing happens between consecutive samples whose sides differ and whose segment intersects P→Q
 * (closed segments: touching an end point counts); it is timed at the later sample, and its point is
 * where the step meets the line, used to link group members.
 * `every` counts each crossing as it happens; `net` counts at track end +1 in when the track's
 * in-crossings exceed its out-crossings, +1 out for the reverse, nothing when equal (U-turns cancel),
 * and the counted crossing is the track's last crossing in its net direction (its time and point).
 */
import type { Line } from './floor-model.js';
import { crossSide, segmentsIntersect } from './geometry.js';
import type { EngineSink } from './sink.js';

export interface LineState {
  /** Effective side per line: 1 left, −1 right, 0 not yet known. */
  readonly side: Int8Array;
  /** cross(Q − P, s − P) of the previous sample, for the crossing point. */
  readonly prevCross: Float64Array;
  readonly ins: Int32Array;
  readonly outs: Int32Array;
  /** Per line: t, x, y of the last in-crossing, then of the last out-crossing (net mode). */
  readonly last: Float64Array;
  prevX: number;
  prevY: number;
  hasPrev: boolean;
}

export class LineEngine {
  constructor(private readonly lines: readonly Line[]) {}

  createState(): LineState {
    const n = this.lines.length;
    return {
      side: new Int8Array(n),
      prevCross: new Float64Array(n),
      ins: new Int32Array(n),
      outs: new Int32Array(n),
      last: new Float64Array(n * 6),
      prevX: 0,
      prevY: 0,
      hasPrev: false,
    };
  }

  onSample(state: LineState, t: number, x: number, y: number, sink: EngineSink): void {
    const { side, prevCross } = state;
    for (let l = 0; l < this.lines.length; l++) {
      const line = this.lines[l] as Line;
      const c = crossSide(line.px, line.py, line.qx, line.qy, x, y);
      const previous = side[l] as number;
      const now = c > 0 ? 1 : c < 0 ? -1 : previous;
      if (previous !== 0 && now !== previous && state.hasPrev) {
        const ax = state.prevX;
        const ay = state.prevY;
        if (segmentsIntersect(ax, ay, x, y, line.px, line.py, line.qx, line.qy)) {
          // The step meets the line where the cross product, linear along the step, reaches zero.
          const ca = prevCross[l] as number;
          const f = ca === 0 ? 0 : ca / (ca - c);
          this.onCrossing(state, l, now as 1 | -1, t, ax + (x - ax) * f, ay + (y - ay) * f, sink);
        }
      }
      side[l] = now;
      prevCross[l] = c;
    }
    state.prevX = x;
    state.prevY = y;
    state.hasPrev = true;
  }

  /**
   * The track ended: net-mode lines emit the track's net crossing, if any. It changes no state, so it
   * also serves as "the net crossings if the track ended now".
   */
  close(state: LineState, sink: EngineSink): void {
    for (let l = 0; l < this.lines.length; l++) {
      if ((this.lines[l] as Line).mode !== 'net') continue;
      const ins = state.ins[l] as number;
      const outs = state.outs[l] as number;
      if (ins === outs) continue;
      const o = l * 6 + (ins > outs ? 0 : 3);
      const last = state.last;
      sink.counted(l, ins > outs ? 1 : -1, last[o] as number, last[o + 1] as number, last[o + 2] as number);
    }
  }

  private onCrossing(
    state: LineState,
    l: number,
    direction: 1 | -1,
    t: number,
    x: number,
    y: number,
    sink: EngineSink,
  ) {
    sink.crossing(l, direction, t, x, y);
    if ((this.lines[l] as Line).mode === 'every') {
      sink.counted(l, direction, t, x, y);
      return;
    }
    if (direction === 1) state.ins[l] = (state.ins[l] as number) + 1;
    else state.outs[l] = (state.outs[l] as number) + 1;
    const o = l * 6 + (direction === 1 ? 0 : 3);
    state.last[o] = t;
    state.last[o + 1] = x;
    state.last[o + 2] = y;
  }
}
