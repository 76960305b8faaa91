/**
 * Prepared statements over the aggregate tables and the conversion between a PathBinRecord and its
 * rows. Callers own the transactions (store.ts wraps a whole bin write in one).
 */
import type { SqliteDatabase } from '../store/database.js';
import { binRowsOf } from './bin-rows.js';
import type { DwellHistogram } from './dwell-histogram.js';
import { decodeHeat } from './heat-codec.js';
import { type FlowCount, flowKey, flowZones, type HeatmapCells, type PathBinRecord } from './records.js';
import type { BinRow, FlowRow, LineRow, ZoneRow } from './schema.js';

/** A range query: one level, bins starting in [from, to), optional id filter (null = all). */
export interface RowRange {
  res: number;
  from: number;
  to: number;
  ids?: readonly string[] | null;
}

export class AggregateStatements {
  private readonly deleteBin;
  private readonly insertBin;
  private readonly insertLine;
  private readonly insertZone;
  private readonly insertFlow;
  private readonly bins;
  private readonly lines;
  private readonly zones;
  private readonly flows;
  private readonly expire;
  private readonly partialFlag;
  private readonly starts;
  private readonly deleteLater;

  constructor(readonly db: SqliteDatabase) {
    this.deleteBin = db.prepare('DELETE FROM agg_bin WHERE res_s = ? AND start_ms = ?');
    this.insertBin = db.prepare(
      `INSERT INTO agg_bin (res_s, start_ms, len_s, store_visits, store_visit_s, store_open, heat_grid, heat, written_at,
       partial) VALUES (@res_s, @start_ms, @len_s, @store_visits, @store_visit_s, @store_open, @heat_grid, @heat,
       @written_at, @partial)`,
    );
    this.insertLine = db.prepare(
      `INSERT INTO agg_line (res_s, start_ms, line, entrance, n_in, n_out, groups_in, groups_out)
       VALUES (@res_s, @start_ms, @line, @entrance, @n_in, @n_out, @groups_in, @groups_out)`,
    );
    this.insertZone = db.prepare(
      `INSERT INTO agg_zone (res_s, start_ms, zone, kind, visits, dwells, pass_throughs, dwell_total_s, dwell_hist,
       occ_end, occ_max, person_s) VALUES (@res_s, @start_ms, @zone, @kind, @visits, @dwells, @pass_throughs,
       @dwell_total_s, @dwell_hist, @occ_end, @occ_max, @person_s)`,
    );
    this.insertFlow = db.prepare(
      'INSERT INTO agg_flow (res_s, start_ms, kind, flow, count) VALUES (@res_s, @start_ms, @kind, @flow, @count)',
    );
    const range = 'res_s = @res AND start_ms >= @from AND start_ms < @to';
    this.bins = db.prepare(`SELECT * FROM agg_bin WHERE ${range} ORDER BY start_ms`);
    this.lines = db.prepare(
      `SELECT start_ms, line, entrance, n_in, n_out, groups_in, groups_out FROM agg_line WHERE ${range}
       AND (@ids IS NULL OR line IN (SELECT value FROM json_each(@ids))) ORDER BY start_ms, line`,
    );
    this.zones = db.prepare(
      `SELECT start_ms, zone, kind, visits, dwells, pass_throughs, dwell_total_s, dwell_hist, occ_end, occ_max,
       person_s FROM agg_zone WHERE ${range}
       AND (@ids IS NULL OR zone IN (SELECT value FROM json_each(@ids))) ORDER BY start_ms, zone`,
    );
    this.flows = db.prepare(
      `SELECT start_ms, kind, flow, count FROM agg_flow WHERE ${range}
       AND (@kind IS NULL OR kind = @kind) ORDER BY start_ms, kind, flow`,
    );
    this.expire = db.prepare('DELETE FROM agg_bin WHERE res_s = ? AND start_ms < ?');
    this.partialFlag = db.prepare('SELECT partial FROM agg_bin WHERE res_s = ? AND start_ms = ?').pluck();
    this.starts = db
      .prepare('SELECT start_ms FROM agg_bin WHERE res_s = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms')
      .pluck();
    this.deleteLater = db.prepare('DELETE FROM agg_bin WHERE res_s = ? AND start_ms >= ?');
  }

  /** Replaces the bin `record.bin_start_ms` of level `res` (call inside a transaction). */
  write(res: number, record: PathBinRecord, now: number): void {
    const rows = binRowsOf(res, record);
    this.deleteBin.run(res, record.bin_start_ms);
    this.insertBin.run({ ...rows.bin, written_at: now });
    for (const row of rows.lines) this.insertLine.run({ res_s: res, ...row });
    for (const row of rows.zones) this.insertZone.run({ res_s: res, ...row });
    for (const row of rows.flows) this.insertFlow.run({ res_s: res, ...row });
  }

  /** The stored bin of level `res` starting at `startMs` when it is partial, else undefined. */
  partialBin(res: number, startMs: number): PathBinRecord | undefined {
    if (this.partialFlag.get(res, startMs) !== 1) return undefined;
    return this.records({ res, from: startMs, to: startMs + 1 })[0];
  }

  /** Starts of the bins of level `res` in [from, to), in order. */
  binStarts(res: number, from: number, to: number): number[] {
    return this.starts.all(res, from, to) as number[];
  }

  /** Deletes the bins of level `res` that start at or after `fromMs`. */
  deleteFrom(res: number, fromMs: number): number {
    return this.deleteLater.run(res, fromMs).changes;
  }

  /** Deletes bins of level `res` that started before `beforeMs`; returns the bins deleted. */
  expireBefore(res: number, beforeMs: number): number {
    return this.expire.run(res, beforeMs).changes;
  }

  binRows(range: RowRange): BinRow[] {
    return this.bins.all(params(range)) as BinRow[];
  }

  lineRows(range: RowRange): LineRow[] {
    return this.lines.all(params(range)) as LineRow[];
  }

  zoneRows(range: RowRange): ZoneRow[] {
    return this.zones.all(params(range)) as ZoneRow[];
  }

  flowRows(range: RowRange, kind: FlowRow['kind'] | null): FlowRow[] {
    const { res, from, to } = range;
    return this.flows.all({ res, from, to, kind }) as FlowRow[];
  }

  /**
   * Whole STORED records of level `res` starting in [from, to), in time order. Reads the tables only,
   * also in a subclass that adds open periods to the row readers (series-rows.ts).
   */
  records(range: RowRange): PathBinRecord[] {
    const all = params({ ...range, ids: null });
    const byStart = new Map<number, PathBinRecord>();
    for (const bin of this.bins.all(all) as BinRow[]) byStart.set(bin.start_ms, recordOfBinRow(bin));
    for (const row of this.lines.all(all) as LineRow[]) {
      const record = byStart.get(row.start_ms);
      if (record) record.lines[row.line] = lineFigures(row);
    }
    for (const row of this.zones.all(all) as ZoneRow[]) {
      const record = byStart.get(row.start_ms);
      if (record) record.zones[row.zone] = zoneFigures(row);
    }
    for (const row of this.flows.all({ res: range.res, from: range.from, to: range.to, kind: null }) as FlowRow[]) {
      const record = byStart.get(row.start_ms);
      const flow: FlowCount = { zones: flowZones(row.flow), count: row.count };
      if (record) (row.kind === 'transition' ? record.transitions : record.paths).push(flow);
    }
    for (const record of byStart.values()) {
      record.transitions.sort(byCount);
      record.paths.sort(byCount);
    }
    return [...byStart.values()];
  }
}

function params(range: RowRange) {
  const { res, from, to, ids } = range;
  return { res, from, to, ids: ids === undefined || ids === null ? null : JSON.stringify(ids) };
}

function byCount(a: FlowCount, b: FlowCount): number {
  const x = flowKey(a.zones);
  const y = flowKey(b.zones);
  return b.count - a.count || (x < y ? -1 : x > y ? 1 : 0);
}

export function heatOf(bin: BinRow): HeatmapCells | null {
  return bin.heat_grid === null || bin.heat === null ? null : decodeHeat(bin.heat_grid, bin.heat);
}

function recordOfBinRow(bin: BinRow): PathBinRecord {
  return {
    bin_start_ms: bin.start_ms,
    bin_s: bin.len_s,
    lines: {},
    zones: {},
    transitions: [],
    paths: [],
    heatmap: heatOf(bin),
    store_visits: { count: bin.store_visits, total_s: bin.store_visit_s, open: bin.store_open },
    ...(bin.partial === 1 ? { partial: true } : {}),
  };
}

export function lineFigures(row: LineRow) {
  return {
    entrance: row.entrance === 1,
    in: row.n_in,
    out: row.n_out,
    groups_in: row.groups_in,
    groups_out: row.groups_out,
  };
}

export function zoneFigures(row: ZoneRow) {
  return {
    kind: row.kind as PathBinRecord['zones'][string]['kind'],
    visits: row.visits,
    dwells: row.dwells,
    pass_throughs: row.pass_throughs,
    dwell_total_s: row.dwell_total_s,
    dwell_hist_ds: JSON.parse(row.dwell_hist) as DwellHistogram,
    occupancy: { end: row.occ_end, max: row.occ_max, person_s: row.person_s },
  };
}
