import { describe, expect, it } from 'vitest';
import { GroupLinker } from '../../src/paths/groups.js';
import { run, track } from './helpers.js';

// Door P = (5, 0) → Q = (5, 10); x 6 → 4 is in. A person crossing in at time t and height y:
const goIn = (id: string, t: number, y: number) =>
  track(id, [
    [t - 1, 6, y],
    [t, 4, y],
  ]);
const goOut = (id: string, t: number, y: number) =>
  track(id, [
    [t - 1, 4, y],
    [t, 6, y],
  ]);
const door = (mode: 'net' | 'every') => ({
  lines: [{ id: 'door', from: [5, 0] as [number, number], to: [5, 10] as [number, number], mode }],
});

describe('§5 Groups', () => {
  it('crossings within 2 s and 1.5 m are linked; connected sets are groups (links chain)', () => {
    const r = run(door('every'), [
      ...goIn('a', 10, 2),
      ...goIn('b', 11.5, 3), // linked to a
      ...goIn('c', 13, 4), // linked to b (3 s after a: only through b)
      ...goIn('d', 13, 6), // 2 m from c: alone
      ...goIn('e', 20, 2), // much later: alone
    ]);
    expect(r.lines.door).toMatchObject({ in: 5, out: 0, groups_in: 3, groups_out: 0 });
  });

  it('the limits are inclusive: exactly 2 s and exactly 1.5 m apart still link', () => {
    const r = run(door('every'), [...goIn('a', 10, 2), ...goIn('b', 12, 3.5)]);
    expect(r.lines.door).toMatchObject({ in: 2, groups_in: 1 });
  });

  it('different directions never link', () => {
    const r = run(door('every'), [...goIn('a', 10, 2), ...goOut('b', 10, 2)]);
    expect(r.lines.door).toMatchObject({ in: 1, out: 1, groups_in: 1, groups_out: 1 });
  });

  it("in net mode a track's counted crossing is its last crossing in its net direction", () => {
    const wanderer = track('w', [
      [0, 6, 2],
      [1, 4, 2],
      [5, 6, 2],
      [30, 4, 2],
    ]); // in at 1, out at 5, in at 30
    const early = goIn('e', 1.5, 2); // near w's first in-crossing only
    const late = goIn('l', 31, 2.5); // near w's counted (last) in-crossing
    const r = run(door('net'), [...wanderer, ...early, ...late]);
    expect(r.lines.door).toMatchObject({ in: 3, groups_in: 2 });
  });

  it('the group window and distance come from the analysis config', () => {
    const r = run(door('every'), [...goIn('a', 10, 2), ...goIn('b', 14, 2)], { group_window_s: 5 });
    expect(r.lines.door).toMatchObject({ groups_in: 1 });
  });

  it('live: a group is released only once no crossing still to come could join it', () => {
    const linker = new GroupLinker(2, 1.5);
    linker.add({ line: 0, direction: 1, t: 10, x: 5, y: 2 });
    expect(linker.release(11.9)).toEqual([]); // a crossing at 11.9 could still link
    linker.add({ line: 0, direction: 1, t: 11.9, x: 5, y: 3 });
    expect(linker.earliestPending()).toBe(10);
    expect(linker.release(13.9)).toEqual([]); // a crossing at 13.9 is exactly 2 s after 11.9: it could link
    expect(linker.release(13.9001)).toEqual([{ line: 0, direction: 1, t: 10, size: 2 }]);
    expect(linker.earliestPending()).toBe(Number.POSITIVE_INFINITY);
  });
});
