/**
 * Streams of cameras: tracks and line counts from smart footfall cameras, JPEG frames from plain ones
 * (ARCHITECTURE §4). Frames stay on the gateway; the vision stage turns them into tracks.
 */
import { Type as T } from '@sinclair/typebox';
import { DecodeError } from '../../src/ingest/profile.js';
import { Choice, EventTime, Ident, Int, List, Num, Strict } from './bounded.js';
import { assertUnique } from './checks.js';
import { binaryStream, jsonStream } from './stream.js';

/** Floor coordinates match the config's floor points (±10 km); image pixels allow ±100,000. */
const FLOOR_LIMIT_M = 1e4;
const IMAGE_LIMIT_PX = 1e5;

export function tracks({ maxPeople = 512 }: { maxPeople?: number } = {}) {
  const person = Strict(
    {
      id: Ident(64, 'Track id the camera assigned; stable while the person stays in view.'),
      x: Num(-IMAGE_LIMIT_PX, IMAGE_LIMIT_PX, 'Floor metres (x to the right) or image pixels (u).'),
      y: Num(-IMAGE_LIMIT_PX, IMAGE_LIMIT_PX, 'Floor metres (y up) or image pixels (v).'),
    },
    'One person in the frame.',
  );
  const schema = Strict(
    {
      ts: EventTime(),
      frame: T.Optional(Int(0, Number.MAX_SAFE_INTEGER, 'Frame counter of the camera.')),
      space: Choice(['floor', 'image'], 'floor: metres on the floor plan; image: pixels (needs calibration).'),
      people: List(person, { max: maxPeople }, 'Everyone in view; an empty list means nobody.'),
    },
    'Person positions in one frame.',
  );
  return jsonStream({
    description: 'Person positions per frame, in floor metres or image pixels.',
    event: 'cameraTracks',
    schema,
    decode(payload, context) {
      assertUnique(payload.people, 'id', 'people');
      if (payload.space === 'floor') assertOnFloor(payload.people);
      const event = { deviceId: context.deviceId, kind: context.kind, ts: payload.ts, space: payload.space };
      // The schema admits exactly {id, x, y} per person: the parsed array is already the event's shape.
      return payload.frame === undefined
        ? { ...event, people: payload.people }
        : { ...event, frame: payload.frame, people: payload.people };
    },
    encode: (event) => ({
      ts: event.ts,
      ...(event.frame === undefined ? {} : { frame: event.frame }),
      space: event.space,
      people: event.people.map(({ id, x, y }) => ({ id, x, y })),
    }),
    examples: [
      { ts: 1732620000123, frame: 123, space: 'floor', people: [{ id: '17', x: 3.2, y: 4.1 }] },
      { ts: 1732620000323, space: 'image', people: [] },
    ],
  });
}

function assertOnFloor(people: readonly { x: number; y: number }[]): void {
  for (let i = 0; i < people.length; i++) {
    const { x, y } = people[i] as { x: number; y: number };
    const axis = Math.abs(x) > FLOOR_LIMIT_M ? 'x' : Math.abs(y) > FLOOR_LIMIT_M ? 'y' : undefined;
    if (axis === undefined) continue;
    const field = `people[${i}].${axis}`;
    const value = axis === 'x' ? x : y;
    throw new DecodeError(
      'schema',
      field,
      `${field} must be within ±${FLOOR_LIMIT_M} m in space "floor", got ${value}`,
    );
  }
}

export function lineCounts() {
  const count = (direction: string) => Int(0, 1_000_000, `People who crossed the line ${direction} in the period.`);
  return jsonStream({
    description: 'In/out counts of a line the camera counts itself, for the period ending at ts.',
    event: 'cameraCounts',
    schema: Strict(
      {
        ts: EventTime(),
        line: Ident(64, 'Counting line id (the camera’s or the config’s).'),
        in: count('inwards'),
        out: count('outwards'),
        period_s: T.Optional(Num(0.1, 86_400, 'Length of the counting period ending at ts, seconds.')),
      },
      'Line counts.',
    ),
    decode(payload, context) {
      const event = { deviceId: context.deviceId, kind: context.kind, ts: payload.ts, line: payload.line };
      return payload.period_s === undefined
        ? { ...event, in: payload.in, out: payload.out }
        : { ...event, in: payload.in, out: payload.out, periodS: payload.period_s };
    },
    encode: (event) => ({
      ts: event.ts,
      line: event.line,
      in: event.in,
      out: event.out,
      ...(event.periodS === undefined ? {} : { period_s: event.periodS }),
    }),
    examples: [
      { ts: 1732620060000, line: 'entrance', in: 3, out: 1, period_s: 60 },
      { ts: 1732620120000, line: 'entrance', in: 0, out: 0 },
    ],
  });
}

/** An 8×8 grey JPEG (265 bytes, made with sharp 0.35 at quality 50): the smallest honest frame. */
const SAMPLE_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgV' +
    'GC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QA' +
    'FAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAC/8QAFBEBAAAAAAAAAAAAAAAA' +
    'AAAAAP/aAAwDAQACEQMRAD8AAGD/2Q==',
  'base64',
);

const hex = (bytes: Buffer): string => (bytes.toString('hex').match(/../g) ?? []).join(' ').toUpperCase() || 'nothing';

/**
 * A JPEG starts with SOI (FF D8) followed by a marker (FF) and ends with EOI (FF D9) (ITU-T T.81 B.2.1).
 * Checking both ends refuses other formats and truncated uploads without decoding the image here.
 */
export function assertJpeg(payload: Buffer): void {
  if (payload.length < 4 || payload[0] !== 0xff || payload[1] !== 0xd8 || payload[2] !== 0xff) {
    throw new DecodeError(
      'bad_jpeg',
      'payload',
      `payload must be a JPEG starting with the SOI marker FF D8 FF, got ${hex(payload.subarray(0, 3))}`,
    );
  }
  if (payload[payload.length - 2] !== 0xff || payload[payload.length - 1] !== 0xd9) {
    throw new DecodeError(
      'bad_jpeg',
      'payload',
      `payload must end with the JPEG EOI marker FF D9 (truncated frame?), got ${hex(payload.subarray(-2))}`,
    );
  }
}

export function jpegFrames() {
  return binaryStream({
    description: 'JPEG frames from a plain camera; they never leave the gateway.',
    event: 'cameraFrame',
    // A JPEG carries no capture time the gateway can trust, so event time is arrival time.
    decode(payload, context) {
      assertJpeg(payload);
      return { deviceId: context.deviceId, kind: context.kind, ts: context.receivedAt, jpeg: payload };
    },
    encode: (event) => event.jpeg,
    examples: [SAMPLE_JPEG],
  });
}
