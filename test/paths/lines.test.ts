import { describe, expect, it } from 'vitest';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import { modelOf, run, track } from './helpers.js';

// P = (5, 0) → Q = (5, 10): walking from P to Q, left is −x, so moving from x > 5 to x < 5 is "in".
const door = (mode: 'net' | 'every') => ({
  lines: [{ id: 'door', from: [5, 0] as [number, number], to: [5, 10] as [number, number], mode }],
});

describe('§5 Line crossing', () => {
  it('right → left is in, left → right is out (sign of cross(Q − P, s − P), positive = left)', () => {
    const r = run(door('every'), [
      ...track('in', [
        [0, 6, 5],
        [1, 4, 5],
      ]),
      ...track('out', [
        [0, 4, 5],
        [1, 6, 5],
      ]),
    ]);
    expect(r.lines.door).toMatchObject({ in: 1, out: 1 });
  });

  it('a step that changes side beyond the end of the segment is not a crossing', () => {
    const r = run(
      door('every'),
      track('p', [
        [0, 6, 12],
        [1, 4, 12],
        [2, 4, 5],
        [3, 6, 5],
      ]),
    );
    // The first step passes above Q; only the way back through the door counts.
    expect(r.lines.door).toMatchObject({ in: 0, out: 1 });
  });

  it('a step through an end point of the line counts (closed segment)', () => {
    const r = run(
      door('every'),
      track('p', [
        [0, 6, 9],
        [1, 4, 11],
      ]),
    );
    expect(r.lines.door).toMatchObject({ in: 1 });
  });

  it('a sample on the line keeps the side before it', () => {
    const back = run(
      door('every'),
      track('p', [
        [0, 6, 5],
        [1, 5, 5],
        [2, 6, 5],
      ]),
    );
    expect(back.lines.door).toMatchObject({ in: 0, out: 0 });
    const through = run(
      door('every'),
      track('p', [
        [0, 6, 5],
        [1, 5, 5],
        [2, 5, 6],
        [3, 4, 5],
      ]),
    );
    expect(through.lines.door).toMatchObject({ in: 1, out: 0 });
  });

  it('a track that starts on the line has no side until it leaves it; leaving is not a crossing', () => {
    const r = run(
      door('every'),
      track('p', [
        [0, 5, 5],
        [1, 4, 5],
        [2, 6, 5],
      ]),
    );
    expect(r.lines.door).toMatchObject({ in: 0, out: 1 });
  });

  it('the crossing is timed at the later sample and placed where the step meets the line', () => {
    const model = modelOf({ lines: door('every').lines }, {}, 10);
    const analyzer = new FloorAnalyzer(model);
    for (const [t, x, y] of [
      [9.5, 7, 2],
      [10.5, 3, 6],
    ] as const)
      analyzer.push('cam', 'p', t, x, y);
    const bins = analyzer.finish();
    // Bin 0 holds the heatmap seconds of the first sample; the crossing belongs to bin 1 (t = 10.5).
    expect(bins.map((b) => [b.index, b.lineIn[0]])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    const crossings: number[] = [];
    const a2 = new FloorAnalyzer(model);
    const handle = a2.track('cam', 'p', 9.5);
    a2.pushTo(handle, 9.5, 7, 2);
    a2.pushTo(handle, 10.5, 3, 6);
    crossings.push(...handle.buffer.crossings);
    expect(crossings).toEqual([0, 1, 10.5, 5, 4]);
  });

  it('every mode counts each crossing; net mode counts the balance once per track and U-turns cancel', () => {
    const zigzag = track('z', [
      [0, 6, 5],
      [1, 4, 5],
      [2, 6, 5],
      [3, 4, 5],
    ]);
    const uturn = track('u', [
      [0, 6, 5],
      [1, 4, 5],
      [2, 6, 5],
    ]);
    expect(run(door('every'), [...zigzag, ...uturn]).lines.door).toMatchObject({ in: 3, out: 2 });
    expect(run(door('net'), [...zigzag, ...uturn]).lines.door).toMatchObject({ in: 1, out: 0 });
    expect(
      run(
        door('net'),
        track('o', [
          [0, 4, 5],
          [1, 6, 5],
          [2, 4, 5],
          [3, 6, 5],
        ]),
      ).lines.door,
    ).toMatchObject({ in: 0, out: 1 });
  });

  it('net mode is the default mode', () => {
    const r = run(
      { lines: [{ id: 'door', from: [5, 0], to: [5, 10] }] },
      track('u', [
        [0, 6, 5],
        [1, 4, 5],
        [2, 6, 5],
      ]),
    );
    expect(r.lines.door).toMatchObject({ in: 0, out: 0, mode: 'net' });
  });
});
