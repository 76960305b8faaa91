/** Small device profiles for broker tests, so they do not depend on the real catalog in devices/. */
import { Type } from '@sinclair/typebox';
import type { DeviceProfile, JsonStream } from '../../../src/ingest/profile.js';

const temperature: JsonStream<'shelfTemperature'> = {
  payload: 'json',
  description: 'test temperature',
  event: 'shelfTemperature',
  examples: [{ celsius: 4, ts: 0 }],
  schema: Type.Object({ celsius: Type.Number(), ts: Type.Number() }),
  decode: (payload, context) => ({
    deviceId: context.deviceId,
    kind: context.kind,
    ts: (payload as { ts: number }).ts,
    celsius: (payload as { celsius: number }).celsius,
  }),
  encode: (event) => ({ celsius: event.celsius, ts: event.ts }),
};

export const shelfProfile: DeviceProfile = {
  kind: 'shelf',
  description: 'test shelf',
  publishes: { temp: temperature as JsonStream },
  receives: ['config'],
};

export const signageProfile: DeviceProfile = {
  kind: 'signage',
  description: 'test screen',
  publishes: {},
  receives: ['content'],
};

export const testProfiles: ReadonlyMap<string, DeviceProfile> = new Map([
  ['shelf', shelfProfile],
  ['signage', signageProfile],
]);
