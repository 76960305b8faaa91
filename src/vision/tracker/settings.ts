/**
 * What the tracker is told: the `devices[].camera.tracker` section of the config (src/config/
 * schema-tracker.ts, where each key's meaning, default and bounds are), read as it is (snake_case).
 * Config loading fills the defaults; `trackerSettings` does the same for code that builds settings
 * itself (the `track` command, tests), so both start from the one set of defaults in the schema.
 */
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TrackerSchema } from '../../config/schema-tracker.js';

export type TrackerSettings = Static<typeof TrackerSchema>;

export function trackerSettings(overrides: Partial<TrackerSettings> = {}): TrackerSettings {
  return Value.Default(TrackerSchema, { ...overrides }) as TrackerSettings;
}
