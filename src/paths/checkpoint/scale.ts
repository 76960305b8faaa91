/**
 * Numbers as a checkpoint keeps them: integers, which JSON writes short and brotli packs well. Event
 * times are milliseconds from a whole second near the checkpoint (`base`), so they decode to the same
 * doubles the live path computes from epoch-ms timestamps (t = ts / 1000); positions are millimetres and
 * durations milliseconds — finer than any camera measures, so what a restart continues from is the
 * state to well within the figures' precision (README "Checkpoint").
 */
export class Scale {
  constructor(readonly base: number) {}

  time(t: number): number {
    return Math.round(t * 1000) - this.base * 1000;
  }

  fromTime(v: number): number {
    return (this.base * 1000 + v) / 1000;
  }
}

/** Metres (or seconds, or m/s) to thousandths and back. */
export const milli = (v: number): number => Math.round(v * 1000);
export const fromMilli = (v: number): number => v / 1000;

/** A number JSON cannot write (NaN, ±Infinity) as null, and back. */
export const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
export const orNaN = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

/**
 * Rows of `stride` numbers with `column` replaced by its difference from the previous row's (in place):
 * times that follow each other become small numbers, which JSON writes in fewer digits and brotli packs
 * tighter. undeltas() reverses it.
 */
export function deltas(values: number[], stride: number, column: number): number[] {
  let previous = 0;
  for (let i = column; i < values.length; i += stride) {
    const value = values[i] as number;
    values[i] = value - previous;
    previous = value;
  }
  return values;
}

export function undeltas(values: number[], stride: number, column: number): number[] {
  let previous = 0;
  for (let i = column; i < values.length; i += stride) {
    previous += values[i] as number;
    values[i] = previous;
  }
  return values;
}
