/**
 * Invariants every device profile must hold (in the manner of zigbee-herdsman-converters'
 * test/checks.test.ts). They run over the whole catalog plus one kind written here the way a contributor
 * would add one, which shows that a new profile is a few lines and gets the common parts for free.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { DecodeContext, DeviceProfile, StreamProfile } from '../src/ingest/profile.js';
import { deviceTopics, encodeForWire, KIND_PATTERN, profileKinds, profiles, STREAM_PATTERN } from './index.js';
import { unboundedPaths } from './lib/bounds.js';
import { defineDevice } from './lib/define.js';
import { temperature } from './lib/shelf-streams.js';

const freezer = defineDevice({
  kind: 'freezer',
  description: 'Chest freezer with a temperature probe.',
  publishes: { temp: temperature({ min: -40, max: 10 }) },
});

const catalog: [string, DeviceProfile][] = [...profiles.values(), freezer].map((profile) => [profile.kind, profile]);
const ajv = new Ajv({ allErrors: true, strict: true });

function contextFor(profile: DeviceProfile): DecodeContext {
  return { deviceId: 'dev-01', kind: profile.kind, receivedAt: 1732620000999 };
}

function streamsOf(profile: DeviceProfile): [string, StreamProfile][] {
  return Object.entries(profile.publishes);
}

describe.each(catalog)('profile %s', (kind, profile) => {
  it('has a kind that is a valid topic level and a description', () => {
    expect(kind).toMatch(KIND_PATTERN);
    expect(profile.description.length).toBeGreaterThan(10);
  });

  it('publishes the common status stream and receives the error downlink', () => {
    expect(profile.publishes.status?.event).toBe('deviceStatus');
    expect(profile.receives).toContain('error');
  });

  it('derives ACL topics that are exact, well-formed and never both publish and subscribe', () => {
    const topics = deviceTopics(profile, 'dev-01');
    expect(topics.publish.length).toBe(Object.keys(profile.publishes).length);
    for (const topic of [...topics.publish, ...topics.subscribe]) {
      expect(topic).toMatch(new RegExp(`^omo/${kind}/dev-01/[a-z][a-z0-9_]*$`));
      expect(topic).not.toMatch(/[+#]/);
    }
    for (const stream of profile.receives) expect(stream).toMatch(STREAM_PATTERN);
    expect(topics.publish.filter((topic) => topics.subscribe.includes(topic))).toEqual([]);
  });

  describe.each(streamsOf(profile))('stream %s', (name, stream) => {
    const context = contextFor(profile);

    it('has a valid name, a description and at least one example', () => {
      expect(name).toMatch(STREAM_PATTERN);
      expect(stream.description.length).toBeGreaterThan(10);
      expect(stream.examples.length).toBeGreaterThan(0);
    });

    if (stream.payload === 'json') {
      it('bounds every number, string and list and refuses unknown keys', () => {
        expect(unboundedPaths(stream.schema)).toEqual([]);
      });

      it('validates every example, decodes it to its event and round-trips decode(encode(decode(x)))', () => {
        const validate = ajv.compile(stream.schema);
        for (const example of stream.examples) {
          expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
          const event = stream.decode(example, context);
          expect(event).toMatchObject({ deviceId: 'dev-01', kind });
          expect(Number.isFinite((event as { ts: number }).ts)).toBe(true);
          // Through the bytes the simulator publishes over MQTT.
          const wire = JSON.parse(encodeForWire(stream, event).toString('utf8')) as unknown;
          expect(validate(wire), JSON.stringify(validate.errors)).toBe(true);
          expect(stream.decode(wire, context)).toEqual(event);
        }
      });
    } else {
      it('decodes every example and round-trips decode(encode(decode(x)))', () => {
        for (const example of stream.examples) {
          expect(Buffer.isBuffer(example)).toBe(true);
          const event = stream.decode(example as Buffer, context);
          expect(event).toMatchObject({ deviceId: 'dev-01', kind, ts: context.receivedAt });
          expect(stream.decode(encodeForWire(stream, event), context)).toEqual(event);
        }
      });
    }
  });
});

describe('the catalog', () => {
  it('lists every profile by its kind', () => {
    expect(profileKinds).toEqual(['shelf', 'camera', 'signage']);
    for (const kind of profileKinds) expect(profiles.get(kind)?.kind).toBe(kind);
  });

  it('keeps each profile file a few lines of data, with no logic of its own', () => {
    const files = readdirSync(new URL('.', import.meta.url)).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'index.ts',
    );
    expect(files.sort()).toEqual(['camera.ts', 'shelf.ts', 'signage.ts']);
    for (const file of files) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(source.split('\n').length, file).toBeLessThanOrEqual(30);
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\b(function|class)\b|\b(if|for|while|switch)\s*\(|=>/);
    }
  });

  it('reports what an unbounded schema leaves open', () => {
    const open = {
      type: 'object',
      properties: {
        n: { type: 'number' },
        s: { type: 'string' },
        l: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 1 } },
      },
    };
    expect(unboundedPaths(open)).toEqual([
      'payload: object open to unknown keys',
      'payload.n: number without a minimum',
      'payload.n: number without a maximum',
      'payload.s: string without maxLength',
      'payload.l: array without maxItems',
    ]);
  });
});
