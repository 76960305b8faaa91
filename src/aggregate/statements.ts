/**
 * Prepared statements over the aggregate tables and the conversion between a PathBinRecord and its
 * rows. Callers own the transactions (store.ts wraps a whole bin write in one).
 */
import type { SqliteDatabase } from '../store/database.js';
import type { DwellHistogram } from './dwell-histogram.js';
import { decodeHeat, encodeCells, gridKeyOf } from './heat-codec.js';
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

  constructor(readonly db: SqliteDatabase) {
    this.deleteBin = db.prepare('DELETE FROM agg_bin WHERE res_s = ? AND start_ms = ?');
    this.insertBin = db.prepare(
      `INSERT INTO agg_bin (res_s, start_ms, len_s, store_visits, store_visit_s, store_open, heat_grid, heat, written_at,
       partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertLine = db.prepare('INSERT INTO agg_line VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertZone = db.prepare('INSERT INTO agg_zone VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertFlow = db.prepare('INSERT INTO agg_flow VALUES (?, ?, ?, ?, ?)');
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
  }

  /** Replaces the bin `record.bin_start_ms` of level `res` (call inside a transaction). */
  write(res: number, record: PathBinRecord, now: number): void {
    const start = record.bin_start_ms;
    this.deleteBin.run(res, start);
    const sv = record.store_visits;
    const heat = record.heatmap;
    const grid = heat === null ? null : gridKeyOf(heat);
    const cells = heat === null ? null : encodeCells(heat.cells);
    const partial = record.partial === true ? 1 : 0;
    this.insertBin.run(res, start, record.bin_s, sv.count, sv.total_s, sv.open, grid, cells, now, partial);
    for (const [id, l] of Object.entries(record.lines)) {
      this.insertLine.run(res, start, id, l.entrance ? 1 : 0, l.in, l.out, l.groups_in, l.groups_out);
    }
    for (const [id, z] of Object.entries(record.zones)) {
      const o = z.occupancy;
      const hist = JSON.stringify(z.dwell_hist_ds);
      this.insertZone.run(
        res,
        start,
        id,
        z.kind,
        z.visits,
        z.dwells,
        z.pass_throughs,
        z.dwell_total_s,
        hist,
        o.end,
        o.max,
        o.person_s,
      );
    }
    for (const f of record.transitions) this.insertFlow.run(res, start, 'transition', flowKey(f.zones), f.count);
    for (const f of record.paths) this.insertFlow.run(res, start, 'path', flowKey(f.zones), f.count);
  }

  /** The stored bin of level `res` starting at `startMs` when it is partial, else undefined. */
  partialBin(res: number, startMs: number): PathBinRecord | undefined {
    if (this.partialFlag.get(res, startMs) !== 1) return undefined;
    return this.records({ res, from: startMs, to: startMs + 1 })[0];
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

  /** Whole records of level `res` starting in [from, to), in time order. */
  records(range: RowRange): PathBinRecord[] {
    const all = { ...range, ids: null };
    const byStart = new Map<number, PathBinRecord>();
    for (const bin of this.binRows(all)) byStart.set(bin.start_ms, recordOfBinRow(bin));
    for (const row of this.lineRows(all)) {
      const record = byStart.get(row.start_ms);
      if (record) record.lines[row.line] = lineFigures(row);
    }
    for (const row of this.zoneRows(all)) {
      const record = byStart.get(row.start_ms);
      if (record) record.zones[row.zone] = zoneFigures(row);
    }
    for (const row of this.flowRows(all, null)) {
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
