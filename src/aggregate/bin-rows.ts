/**
 * A PathBinRecord as the rows of the aggregate tables (schema.ts), the inverse of the row readers in
 * statements.ts. The store writes these rows; the query side (series-rows.ts) serves an open roll-up
 * period — merged in memory, never stored — as the same rows a stored period reads as.
 */
import { encodeCells, gridKeyOf } from './heat-codec.js';
import { flowKey, type PathBinRecord } from './records.js';
import type { BinRow, FlowRow, LineRow, ZoneRow } from './schema.js';

export interface BinRows {
  bin: BinRow;
  /** Ordered as the readers return them: by line, by zone, by (kind, flow). */
  lines: LineRow[];
  zones: ZoneRow[];
  flows: FlowRow[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function binRowsOf(res: number, record: PathBinRecord): BinRows {
  const start = record.bin_start_ms;
  const heat = record.heatmap;
  const sv = record.store_visits;
  const bin: BinRow = {
    res_s: res,
    start_ms: start,
    len_s: record.bin_s,
    store_visits: sv.count,
    store_visit_s: sv.total_s,
    store_open: sv.open,
    heat_grid: heat === null ? null : gridKeyOf(heat),
    heat: heat === null ? null : encodeCells(heat.cells),
    partial: record.partial === true ? 1 : 0,
  };
  const lines = Object.entries(record.lines).map(([line, l]) => ({
    start_ms: start,
    line,
    entrance: l.entrance ? 1 : 0,
    n_in: l.in,
    n_out: l.out,
    groups_in: l.groups_in,
    groups_out: l.groups_out,
  }));
  const zones = Object.entries(record.zones).map(([zone, { occupancy, dwell_hist_ds, ...counts }]) => ({
    start_ms: start,
    zone,
    ...counts,
    dwell_hist: JSON.stringify(dwell_hist_ds),
    occ_end: occupancy.end,
    occ_max: occupancy.max,
    person_s: occupancy.person_s,
  }));
  const flowRow = (kind: FlowRow['kind']) => (f: { zones: readonly string[]; count: number }) => ({
    start_ms: start,
    kind,
    flow: flowKey(f.zones),
    count: f.count,
  });
  const flows = [...record.paths.map(flowRow('path')), ...record.transitions.map(flowRow('transition'))];
  lines.sort((a, b) => byText(a.line, b.line));
  zones.sort((a, b) => byText(a.zone, b.zone));
  flows.sort((a, b) => byText(a.kind, b.kind) || byText(a.flow, b.flow));
  return { bin, lines, zones, flows };
}
