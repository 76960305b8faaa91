/** A real SQLite file in a temp directory and a started AggregateStore on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateStore, type AggregateStoreOptions } from '../../src/aggregate/store.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import { createRegistry } from '../../src/metrics.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/database.js';

export interface StoreFixture {
  dir: string;
  db: SqliteDatabase;
  store: AggregateStore;
  clock: { now: number };
  /** Stops the store, closes and reopens the file, starts a new store (with `more` options). */
  reopen(more?: Partial<AggregateStoreOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function openStore(
  config: GatewayConfig,
  extra: Partial<AggregateStoreOptions> = {},
  now = Date.parse('2026-03-30T12:00:00Z'),
): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'omo-aggregate-'));
  const clock = { now };
  const fixture: StoreFixture = {
    dir,
    db: openDatabase(join(dir, 'omo.db'), []),
    store: undefined as unknown as AggregateStore,
    clock,
    async reopen(more = {}) {
      await fixture.store.stop();
      fixture.db.close();
      fixture.db = openDatabase(join(dir, 'omo.db'), []);
      fixture.store = new AggregateStore({
        db: fixture.db,
        config,
        metrics: createRegistry(),
        now: () => clock.now,
        ...extra,
        ...more,
      });
      await fixture.store.start();
    },
    async close() {
      await fixture.store.stop();
      fixture.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  fixture.store = new AggregateStore({
    db: fixture.db,
    config,
    metrics: createRegistry(),
    now: () => clock.now,
    ...extra,
  });
  await fixture.store.start();
  return fixture;
}

/** Every aggregate row, ordered, without the write time: equal dumps mean equal stored figures. */
export function dumpTables(db: SqliteDatabase): Record<string, unknown[]> {
  return {
    bins: db
      .prepare(
        'SELECT res_s, start_ms, len_s, store_visits, store_visit_s, store_open, heat_grid, heat FROM agg_bin ORDER BY 1, 2',
      )
      .all(),
    lines: db.prepare('SELECT * FROM agg_line ORDER BY 1, 2, 3').all(),
    zones: db.prepare('SELECT * FROM agg_zone ORDER BY 1, 2, 3').all(),
    flows: db.prepare('SELECT * FROM agg_flow ORDER BY 1, 2, 3, 4').all(),
  };
}
