/**
 * Realistic declarations (a shelf lane stream, a till stream, a k-anonymised shelf-sequence stream),
 * a seeded random source, and a started StreamStore on a real SQLite file with a real Outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamDeclaration } from '../../../src/aggregate/streams/declaration.js';
import { StreamStore, type StreamStoreOptions } from '../../../src/aggregate/streams/store.js';
import { parseConfig } from '../../../src/config/index.js';
import type { GatewayConfig } from '../../../src/config/schema.js';
import { createRegistry } from '../../../src/metrics.js';
import { Random } from '../../../src/simulate/random.js';
import { openDatabase, type SqliteDatabase } from '../../../src/store/database.js';
import { Outbox } from '../../../src/store/outbox/outbox.js';

/** Per SKU and lane: pickups, put-backs, the item count's range and end, how long hands dwelt. */
export const shelfLane: StreamDeclaration = {
  name: 'shelf_lane',
  uplink: 'shelf',
  dimensions: ['sku', 'lane'],
  measures: {
    pickups: 'sum',
    put_backs: 'sum',
    items_min: 'min',
    items_max: 'max',
    items_end: 'last',
    dwell_s: 'distribution',
  },
};

/** Per till: sales and items per basket (whole numbers: decimals 0); kept locally. */
export const till: StreamDeclaration = {
  name: 'till',
  dimensions: ['till'],
  measures: { transactions: 'sum', revenue_cents: 'sum', basket_items: { kind: 'distribution', decimals: 0 } },
};

/** Which shelves shoppers touched in a row, per aisle: rare sequences could single someone out. */
export const shelfSequence: StreamDeclaration = {
  name: 'shelf_sequence',
  uplink: 'shelf',
  dimensions: ['aisle', 'sequence'],
  measures: { shoppers: 'sum', dwell_s: 'distribution' },
  kAnonymity: { dimension: 'sequence', count: 'shoppers' },
};

export function streamConfig(timezone = 'Europe/Berlin', more: Record<string, string> = {}): GatewayConfig {
  const extra = Object.entries(more)
    .map(([section, body]) => `${section}: ${body}\n`)
    .join('');
  const yaml = `store: { id: s1, timezone: ${timezone} }\ngateway: { id: gw-1 }\n${extra}`;
  return parseConfig(yaml, 'streams-test.yaml', { env: {} });
}

/** A seeded uniform [0, 1) source (the simulator's mulberry32), so a failure can be replayed. */
export function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

export interface StreamsFixture {
  dir: string;
  db: SqliteDatabase;
  store: StreamStore;
  outbox: Outbox;
  clock: { now: number };
  /** A new process: stops the store (unless `crash`), reopens the file, starts a new store. */
  restart(options?: { crash?: boolean; more?: Partial<StreamStoreOptions> }): Promise<void>;
  close(): Promise<void>;
}

export async function openStreams(
  config: GatewayConfig,
  extra: Partial<StreamStoreOptions> = {},
  now = Date.parse('2026-03-30T12:00:00Z'),
): Promise<StreamsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-streams-'));
  const clock = { now };
  const outbox = new Outbox({ gatewayId: 'gw-1', path: join(dir, 'outbox.db'), maxBytes: 1e9, maxAgeMs: 1e12 });
  await outbox.start();
  const build = (db: SqliteDatabase, more: Partial<StreamStoreOptions>) =>
    new StreamStore({ db, config, metrics: createRegistry(), outbox, now: () => clock.now, ...extra, ...more });
  const db = openDatabase(join(dir, 'omo.db'), []);
  const fixture: StreamsFixture = {
    dir,
    db,
    store: build(db, {}),
    outbox,
    clock,
    async restart({ crash = false, more = {} } = {}) {
      if (!crash) await fixture.store.stop();
      fixture.db.close();
      fixture.db = openDatabase(join(dir, 'omo.db'), []);
      fixture.store = build(fixture.db, more);
      await fixture.store.start();
    },
    async close() {
      await fixture.store.stop();
      fixture.db.close();
      await outbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await fixture.store.start();
  return fixture;
}

/** Every pending record of an outbox stream, parsed, with its id. */
export function outboxRecords(outbox: Outbox, stream: 'shelf' | 'alerts' = 'shelf') {
  return outbox.peek(stream, 1_000_000).map((r) => JSON.parse(r.body) as { id: string } & Record<string, unknown>);
}
