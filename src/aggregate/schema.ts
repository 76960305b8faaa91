/**
 * SQLite tables of the aggregate time series (ARCHITECTURE §6), one set for every resolution: `res_s`
 * is the level (levels.ts), `start_ms` the bin start. A bin is one `agg_bin` row plus its line, zone and
 * flow rows, which cascade with it, so replacing or expiring a bin is one DELETE. Zone and line ids are
 * columns so `zone=`/`line=` filters and time ranges are index range scans; the dwell histogram is JSON
 * text and the heatmap cells a BLOB (heat-codec.ts), both read whole and merged in code.
 *
 * Roll-up levels hold only CLOSED periods: per level, `agg_mark.open_ms` starts the one period still
 * open, whose figures are merged from the finer levels when read (open-periods.ts).
 *
 * `agg_uplink` remembers, per uplink stream and bin, the revision and digest of the last record handed
 * to the outbox, and holds the record body while it is not yet appended (see uplink-log.ts).
 */
import type { Migration } from '../store/database.js';
import { stagingTableSql } from './staged-revisions.js';

export const aggregateMigrations: Migration[] = [
  {
    id: 'aggregate/001-create',
    up: (db) =>
      db.exec(`
        CREATE TABLE agg_bin (
          res_s INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          len_s INTEGER NOT NULL,
          store_visits INTEGER NOT NULL,
          store_visit_s REAL NOT NULL,
          store_open INTEGER NOT NULL,
          heat_grid TEXT,
          heat BLOB,
          written_at INTEGER NOT NULL,
          PRIMARY KEY (res_s, start_ms)
        ) WITHOUT ROWID;
        CREATE TABLE agg_line (
          res_s INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          line TEXT NOT NULL,
          entrance INTEGER NOT NULL,
          n_in INTEGER NOT NULL,
          n_out INTEGER NOT NULL,
          groups_in INTEGER NOT NULL,
          groups_out INTEGER NOT NULL,
          PRIMARY KEY (res_s, start_ms, line),
          FOREIGN KEY (res_s, start_ms) REFERENCES agg_bin (res_s, start_ms) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE TABLE agg_zone (
          res_s INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          zone TEXT NOT NULL,
          kind TEXT NOT NULL,
          visits INTEGER NOT NULL,
          dwells INTEGER NOT NULL,
          pass_throughs INTEGER NOT NULL,
          dwell_total_s REAL NOT NULL,
          dwell_hist TEXT NOT NULL,
          occ_end INTEGER NOT NULL,
          occ_max INTEGER NOT NULL,
          person_s REAL NOT NULL,
          PRIMARY KEY (res_s, start_ms, zone),
          FOREIGN KEY (res_s, start_ms) REFERENCES agg_bin (res_s, start_ms) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE TABLE agg_flow (
          res_s INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('transition', 'path')),
          flow TEXT NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (res_s, start_ms, kind, flow),
          FOREIGN KEY (res_s, start_ms) REFERENCES agg_bin (res_s, start_ms) ON DELETE CASCADE
        ) WITHOUT ROWID;
        ${stagingTableSql('agg_uplink')}
      `),
  },
  {
    // A raw bin a clean stop flushed before it was final: the next write of it is merged, not a
    // replacement (README "Partial bins"). Roll-ups are always 0.
    id: 'aggregate/002-partial-bins',
    up: (db) => db.exec('ALTER TABLE agg_bin ADD COLUMN partial INTEGER NOT NULL DEFAULT 0'),
  },
  {
    // Roll-ups are stored when their period closes, not on every bin (open-periods.ts): per coarse
    // level, the start of the one period still open. Filled at start from the stored bins.
    id: 'aggregate/003-open-periods',
    up: (db) => db.exec('CREATE TABLE agg_mark (res_s INTEGER PRIMARY KEY, open_ms INTEGER NOT NULL) WITHOUT ROWID'),
  },
];

export interface BinRow {
  res_s: number;
  start_ms: number;
  len_s: number;
  store_visits: number;
  store_visit_s: number;
  store_open: number;
  heat_grid: string | null;
  heat: Buffer | null;
  /** 1 for a partial raw bin (see PathBinRecord `partial`). */
  partial: number;
}

export interface LineRow {
  start_ms: number;
  line: string;
  entrance: number;
  n_in: number;
  n_out: number;
  groups_in: number;
  groups_out: number;
}

export interface ZoneRow {
  start_ms: number;
  zone: string;
  kind: string;
  visits: number;
  dwells: number;
  pass_throughs: number;
  dwell_total_s: number;
  dwell_hist: string;
  occ_end: number;
  occ_max: number;
  person_s: number;
}

export interface FlowRow {
  start_ms: number;
  kind: 'transition' | 'path';
  flow: string;
  count: number;
}
