/**
 * A real ingest for tests: a real EventBus, a real in-memory SQLite dead-letter table, a real prom-client
 * registry, the real device catalog, and a reply function that records what the broker would publish.
 */
import { Registry } from 'prom-client';
import { profiles } from '../../devices/index.js';
import { type BusEventName, type BusEvents, EventBus } from '../../src/bus.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import { DeadLetterStore, deadLetterMigrations } from '../../src/ingest/dead-letter.js';
import { Ingest } from '../../src/ingest/ingest.js';
import type { DeviceMessage } from '../../src/ingest/profile.js';
import { setLogLevel } from '../../src/log.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/database.js';

setLogLevel('silent');

export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

export const ingestConfig: GatewayConfig['ingest'] = {
  watermark_s: 5,
  max_future_s: 30,
  max_past_s: 3600,
  max_json_bytes: 1024,
  max_frame_bytes: 4096,
  dead_letter_max_rows: 100_000,
  refusal_trace_interval_s: 10,
  dead_letter_sample_bytes: 64,
};

export interface Harness {
  ingest: Ingest;
  bus: EventBus;
  db: SqliteDatabase;
  deadLetters: DeadLetterStore;
  metrics: Registry;
  replies: { topic: string; payload: string }[];
  events: { name: BusEventName; event: unknown }[];
  clock: { now: number };
  send(topic: string, payload: string | Buffer, receivedAt?: number): void;
  counter(name: string, labels: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

const observed: BusEventName[] = [
  'shelfWeight',
  'shelfTemperature',
  'cameraTracks',
  'cameraCounts',
  'cameraFrame',
  'signagePlay',
  'deviceStatus',
  'ingestRefused',
];

export async function startHarness(
  config: Partial<GatewayConfig['ingest']> = {},
  reply?: (topic: string, payload: string) => void,
): Promise<Harness> {
  const merged = { ...ingestConfig, ...config };
  const bus = new EventBus();
  const metrics = new Registry();
  const db = openDatabase(':memory:', deadLetterMigrations);
  const deadLetters = new DeadLetterStore({
    db,
    maxRows: merged.dead_letter_max_rows,
    sampleBytes: merged.dead_letter_sample_bytes,
    metrics,
  });
  const replies: Harness['replies'] = [];
  const events: Harness['events'] = [];
  const clock = { now: NOW };
  const ingest = new Ingest({
    config: merged,
    profiles,
    bus,
    deadLetters,
    metrics,
    reply(topic, payload) {
      replies.push({ topic, payload });
      reply?.(topic, payload);
    },
    now: () => clock.now,
  });
  for (const name of observed) {
    bus.on('test', name, (event: BusEvents[typeof name]) => events.push({ name, event }));
  }
  await deadLetters.start();
  await ingest.start();
  return {
    ingest,
    bus,
    db,
    deadLetters,
    metrics,
    replies,
    events,
    clock,
    send(topic, payload, receivedAt = clock.now) {
      const [, kind = '', deviceId = '', stream = ''] = topic.split('/');
      const message: DeviceMessage = {
        deviceId,
        kind,
        stream,
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        receivedAt,
      };
      ingest.handle(message);
    },
    async counter(name, labels) {
      const metric = metrics.getSingleMetric(name);
      if (metric === undefined) return 0;
      const { values } = await metric.get();
      const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
      return match?.value ?? 0;
    },
    async close() {
      await ingest.stop();
      await deadLetters.stop();
      db.close();
    },
  };
}

export const weight = (ts: number, grams: number | string = 2450.5) =>
  `{"ts": ${ts}, "lanes": [{"lane": 1, "grams": ${grams}}]}`;
