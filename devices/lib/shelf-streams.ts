/** Streams of shelf scales: per-lane weights and, for chilled shelves, temperature. */
import { EventTime, Int, List, Num, Strict } from './bounded.js';
import { assertUnique } from './checks.js';
import { jsonStream } from './stream.js';

export interface LaneWeightOptions {
  /** Lanes one scale reports at most. */
  maxLanes?: number;
  /** Heaviest load a lane's cell can carry, grams. */
  maxGrams?: number;
}

export function laneWeights({ maxLanes = 64, maxGrams = 1_000_000 }: LaneWeightOptions = {}) {
  const lane = Strict(
    {
      lane: Int(0, 255, 'Lane number as the scale reports it (matches `lanes[].lane` in the config).'),
      // A tared cell drifts a little below zero; more than a kilo below is a fault, refused.
      grams: Num(-1000, maxGrams, 'Net weight on the lane, grams.'),
    },
    'One lane of the scale.',
  );
  return jsonStream({
    description: 'Net weight per lane, sent on change and as a heartbeat.',
    event: 'shelfWeight',
    schema: Strict({ ts: EventTime(), lanes: List(lane, { min: 1, max: maxLanes }, 'Lanes read.') }, 'Weights.'),
    decode(payload, context) {
      assertUnique(payload.lanes, 'lane', 'lanes');
      // The schema admits exactly {lane, grams} per item, so the parsed array is the event's shape.
      return { deviceId: context.deviceId, kind: context.kind, ts: payload.ts, lanes: payload.lanes };
    },
    encode: (event) => ({ ts: event.ts, lanes: event.lanes.map(({ lane, grams }) => ({ lane, grams })) }),
    examples: [
      { ts: 1732620000123, lanes: [{ lane: 1, grams: 2450.5 }] },
      {
        ts: 1732620001000,
        lanes: [
          { lane: 1, grams: 2100 },
          { lane: 2, grams: 0 },
          { lane: 3, grams: -2.5 },
        ],
      },
    ],
  });
}

export function temperature({ min = -50, max = 100 }: { min?: number; max?: number } = {}) {
  return jsonStream({
    description: 'Temperature of a chilled shelf or cabinet, °C.',
    event: 'shelfTemperature',
    schema: Strict({ ts: EventTime(), celsius: Num(min, max, 'Temperature, °C.') }, 'Temperature.'),
    decode: (payload, context) => ({
      deviceId: context.deviceId,
      kind: context.kind,
      ts: payload.ts,
      celsius: payload.celsius,
    }),
    encode: (event) => ({ ts: event.ts, celsius: event.celsius }),
    examples: [{ ts: 1732620000123, celsius: 4.2 }],
  });
}
