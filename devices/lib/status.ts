/**
 * The `status` stream every device kind publishes (ARCHITECTURE §4): birth (`online`) when it connects,
 * death (`offline`) as its MQTT last will, and self-reported health. Extra fields arrive snake_case and
 * reach the bus camelCase in `detail`.
 */
import { Type as T, type TProperties } from '@sinclair/typebox';
import { Choice, EPOCH_MS_MAX, EPOCH_MS_MIN, Int, Num, Strict, Text } from './bounded.js';
import { jsonStream } from './stream.js';

/** Health fields any device may report. */
const commonFields = {
  firmware: T.Optional(Text(64, 'Firmware version.')),
  uptime_s: T.Optional(Int(0, 10 * 365 * 86_400, 'Seconds since the device booted.')),
  rssi_dbm: T.Optional(Num(-130, 0, 'Wi-Fi signal strength.')),
};

interface StatusPayload {
  status: 'online' | 'offline';
  ts?: number;
  [field: string]: unknown;
}

const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const toSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function status(extraFields: TProperties = {}) {
  const schema = T.Unsafe<StatusPayload>(
    Strict(
      {
        status: Choice(['online', 'offline'], 'online on connect; offline as the last will.'),
        ts: T.Optional(
          Int(
            EPOCH_MS_MIN,
            EPOCH_MS_MAX,
            'Device clock, epoch ms. Leave it out of the last will: arrival time is used.',
          ),
        ),
        ...commonFields,
        ...extraFields,
      },
      'Birth/death and self-reported health.',
    ),
  );
  return jsonStream({
    description: 'Birth/death (`online`, `offline` as last will) and health fields.',
    event: 'deviceStatus',
    schema,
    decode(payload, context) {
      let detail: Record<string, unknown> | undefined;
      for (const key in payload) {
        if (key === 'status' || key === 'ts') continue;
        detail ??= {};
        detail[toCamel(key)] = payload[key];
      }
      const event = { deviceId: context.deviceId, kind: context.kind, ts: payload.ts ?? context.receivedAt };
      return detail === undefined ? { ...event, status: payload.status } : { ...event, status: payload.status, detail };
    },
    encode(event) {
      const payload: StatusPayload = { status: event.status, ts: event.ts };
      for (const key in event.detail) {
        payload[toSnake(key)] = event.detail[key];
      }
      return payload;
    },
    examples: [{ status: 'online', ts: 1732620000123, firmware: '2.4.1', uptime_s: 360 }, { status: 'offline' }],
  });
}
