/**
 * Door beam pairs and buttons through the fake GPIO backend, edge by edge (issue 10 point 4 "must show"):
 * direction from the order the beams break, contact bounce within the debounce time counted once, two
 * people 300 ms apart counted as two, a half-crossing that turns back counted as nothing — exact counts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type ButtonConfig, type DoorConfig, GpioBoard, type GpioConfig } from '../../src/gpio/board.js';
import type { CrossingResult } from '../../src/gpio/door.js';
import { FakeGpioBackend } from '../../src/gpio/fake-backend.js';
import { play, type Step, TestClock, walk } from './fake-board.js';

const OUTER = 17;
const INNER = 27;
const BUTTON = 22;
const PINS = { outer: OUTER, inner: INNER };
const DEBOUNCE_MS = 20;

function config(overrides: Partial<DoorConfig> = {}): GpioConfig {
  const door = { id: 'front', outer_pin: OUTER, inner_pin: INNER, active_low: false, max_crossing_ms: 10_000 };
  return {
    backend: 'fake',
    debounce_ms: DEBOUNCE_MS,
    doors: [{ ...door, ...overrides }],
    buttons: [{ id: 'reset_alerts', pin: BUTTON, active_low: false }],
  };
}

let clock: TestClock;
let fake: FakeGpioBackend;
let crossings: (CrossingResult & { door: string })[];
let presses: { button: string; ts: number }[];

function openBoard(gpio: GpioConfig): GpioBoard {
  const board = new GpioBoard(fake, gpio, {
    crossing: (door: DoorConfig, result: CrossingResult) => crossings.push({ door: door.id, ...result }),
    press: (button: ButtonConfig, ts: number) => presses.push({ button: button.id, ts }),
  });
  board.open();
  return board;
}

const outcomes = () => crossings.map((c) => c.outcome);

beforeEach(() => {
  clock = new TestClock();
  fake = new FakeGpioBackend(clock);
  crossings = [];
  presses = [];
});

describe('door beam pair', () => {
  it('tells in from out by the order the beams break, timed when both are clear again', () => {
    const board = openBoard(config());
    const start = clock.ms;
    play(fake, clock, [...walk('in', PINS), ...walk('out', PINS, 2000)]);
    expect(crossings).toEqual([
      { door: 'front', outcome: 'in', startedAt: start, endedAt: start + 250 },
      { door: 'front', outcome: 'out', startedAt: start + 2000, endedAt: start + 2250 },
    ]);
    expect(board.figures().doors.front).toEqual({
      in: 1,
      out: 1,
      turned_back: 0,
      abandoned: 0,
      outer_broken: false,
      inner_broken: false,
    });
  });

  it('counts a crossing whose every edge bounces within the debounce time once', () => {
    openBoard(config());
    // Each beam chatters for up to 9 ms (< 20 ms debounce) as it breaks and as it clears.
    // biome-ignore format: one beam's chatter per line
    const bouncy: Step[] = [
      [0, OUTER, 1], [3, OUTER, 0], [5, OUTER, 1], [8, OUTER, 0], [9, OUTER, 1],
      [40, INNER, 1], [42, INNER, 0], [44, INNER, 1],
      [210, OUTER, 0], [212, OUTER, 1], [215, OUTER, 0],
      [250, INNER, 0], [251, INNER, 1], [253, INNER, 0], [256, INNER, 1], [259, INNER, 0],
    ];
    play(fake, clock, bouncy);
    expect(outcomes()).toEqual(['in']);
  });

  it('ignores a flicker shorter than the debounce time', () => {
    const board = openBoard(config());
    play(fake, clock, [
      [0, OUTER, 1],
      [5, OUTER, 0],
      [100, INNER, 1],
      [119, INNER, 0],
    ]);
    expect(crossings).toEqual([]);
    expect(board.figures().doors.front).toMatchObject({ outer_broken: false, inner_broken: false });
  });

  it('counts two people 300 ms apart as two', () => {
    openBoard(config());
    play(fake, clock, [...walk('in', PINS), ...walk('in', PINS, 300)]);
    expect(outcomes()).toEqual(['in', 'in']);
    // And two leaving 300 ms apart.
    play(fake, clock, [...walk('out', PINS), ...walk('out', PINS, 300)]);
    expect(outcomes()).toEqual(['in', 'in', 'out', 'out']);
  });

  it('counts two people with no moment of clear beams between them as one (the pair cannot see a gap)', () => {
    openBoard(config());
    // The second person breaks the outer beam 200 ms after the first: before the first clears the inner one.
    play(fake, clock, [
      [0, OUTER, 1],
      [40, INNER, 1],
      [200, OUTER, 0],
      [205, OUTER, 1],
      [250, INNER, 0],
      [255, INNER, 1],
      [415, OUTER, 0],
      [455, INNER, 0],
    ]);
    expect(outcomes()).toEqual(['in']);
  });

  it('counts nothing for a half-crossing that turns back', () => {
    const board = openBoard(config());
    // Steps into the outer beam only and back out.
    play(fake, clock, [
      [0, OUTER, 1],
      [300, OUTER, 0],
    ]);
    // Reaches both beams, then turns round: the inner beam clears first, the outer one last.
    play(fake, clock, [
      [0, OUTER, 1],
      [40, INNER, 1],
      [400, INNER, 0],
      [450, OUTER, 0],
    ]);
    // From the shop side, the same.
    play(fake, clock, [
      [0, INNER, 1],
      [40, OUTER, 1],
      [400, OUTER, 0],
      [450, INNER, 0],
    ]);
    expect(outcomes()).toEqual(['turned_back', 'turned_back', 'turned_back']);
    expect(board.figures().doors.front).toMatchObject({ in: 0, out: 0, turned_back: 3 });
  });

  it('counts nothing for a crossing that takes longer than max_crossing_ms', () => {
    openBoard(config({ max_crossing_ms: 5000 }));
    play(fake, clock, [
      [0, OUTER, 1],
      [40, INNER, 1],
      [6000, OUTER, 0],
      [6040, INNER, 0],
    ]);
    play(fake, clock, walk('in', PINS));
    expect(outcomes()).toEqual(['abandoned', 'in']);
  });

  it('reads an active-low wiring: a beam is broken when its pin is low', () => {
    openBoard(config({ active_low: true }));
    // Wire levels: idle high, low while broken.
    const wire = walk('in', PINS).map(([at, pin, level]) => [at, pin, level === 1 ? 0 : 1] as const);
    play(fake, clock, wire);
    expect(outcomes()).toEqual(['in']);
  });

  it('starts no crossing for a beam already broken at start-up', () => {
    // Something stands in the outer beam before the gateway starts.
    fake = new FakeGpioBackend(clock, { wires: { [OUTER]: 1 } });
    const board = openBoard(config());
    expect(board.figures().doors.front).toMatchObject({ outer_broken: true, inner_broken: false });
    // It moves away: no crossing had begun, so nothing is judged; the next person counts as usual.
    play(fake, clock, [[0, OUTER, 0], ...walk('out', PINS, 500)]);
    expect(outcomes()).toEqual(['out']);
  });
});

describe('push button', () => {
  it('publishes one press per debounced push, timed at the press', () => {
    openBoard(config());
    const start = clock.ms;
    play(fake, clock, [
      [0, BUTTON, 1],
      [2, BUTTON, 0],
      [4, BUTTON, 1],
      [180, BUTTON, 0],
      [183, BUTTON, 1],
      [185, BUTTON, 0],
      // A spike of noise, shorter than the debounce time.
      [600, BUTTON, 1],
      [605, BUTTON, 0],
      [900, BUTTON, 1],
      [1100, BUTTON, 0],
    ]);
    expect(presses).toEqual([
      { button: 'reset_alerts', ts: start + 4 },
      { button: 'reset_alerts', ts: start + 900 },
    ]);
  });
});
