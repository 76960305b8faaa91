/**
 * Checks a PathBinRecord before it is written: the live pipeline builds it from engine output, but a
 * NaN or a misaligned bin written to SQLite would poison every roll-up and uplink record after it, so it
 * is refused with an error naming the field instead.
 */
import type { PathBinRecord } from './records.js';

const ZONE_KINDS = new Set(['area', 'queue', 'viewing', 'shelf_front', 'staff_only']);

export class RecordError extends Error {
  constructor(field: string, why: string) {
    super(`bin record ${field} ${why}`);
    this.name = 'RecordError';
  }
}

function count(value: unknown, field: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new RecordError(field, 'must be an integer ≥ 0');
}

function amount(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RecordError(field, 'must be a finite number ≥ 0');
  }
}

export function checkRecord(record: PathBinRecord, binS: number): void {
  if (record.bin_s !== binS) throw new RecordError('bin_s', `is ${record.bin_s}; analysis.bin_s is ${binS}`);
  if (!Number.isSafeInteger(record.bin_start_ms) || record.bin_start_ms % (binS * 1000) !== 0) {
    throw new RecordError('bin_start_ms', `(${record.bin_start_ms}) must be an epoch ms on a ${binS} s boundary`);
  }
  for (const [id, line] of Object.entries(record.lines)) {
    for (const key of ['in', 'out', 'groups_in', 'groups_out'] as const) count(line[key], `lines.${id}.${key}`);
  }
  for (const [id, zone] of Object.entries(record.zones)) {
    const at = `zones.${id}`;
    if (!ZONE_KINDS.has(zone.kind)) throw new RecordError(`${at}.kind`, `is not a zone kind: ${String(zone.kind)}`);
    for (const key of ['visits', 'dwells', 'pass_throughs'] as const) count(zone[key], `${at}.${key}`);
    if (zone.dwells + zone.pass_throughs !== zone.visits) {
      throw new RecordError(`${at}.visits`, 'must equal dwells + pass_throughs');
    }
    amount(zone.dwell_total_s, `${at}.dwell_total_s`);
    let histogramVisits = 0;
    for (const [ds, n] of Object.entries(zone.dwell_hist_ds)) {
      count(Number(ds), `${at}.dwell_hist_ds key ${ds}`);
      count(n, `${at}.dwell_hist_ds.${ds}`);
      histogramVisits += n;
    }
    if (histogramVisits !== zone.visits) throw new RecordError(`${at}.dwell_hist_ds`, 'must hold one entry per visit');
    count(zone.occupancy.end, `${at}.occupancy.end`);
    count(zone.occupancy.max, `${at}.occupancy.max`);
    amount(zone.occupancy.person_s, `${at}.occupancy.person_s`);
  }
  for (const [name, flows] of [
    ['transitions', record.transitions],
    ['paths', record.paths],
  ] as const) {
    flows.forEach((flow, i) => {
      count(flow.count, `${name}[${i}].count`);
      const sizeOk = name === 'transitions' ? flow.zones.length === 2 : flow.zones.length >= 1;
      if (!sizeOk || flow.zones.some((z) => !/^[A-Za-z0-9_.-]+$/.test(z))) {
        const what = name === 'transitions' ? 'two zone ids (from, to)' : 'one or more zone ids';
        throw new RecordError(`${name}[${i}].zones`, `must be ${what}`);
      }
    });
  }
  const heat = record.heatmap;
  if (heat !== null) {
    count(heat.cols, 'heatmap.cols');
    count(heat.rows, 'heatmap.rows');
    for (const [cell, seconds] of Object.entries(heat.cells)) {
      const index = Number(cell);
      if (!Number.isInteger(index) || index < 0 || index >= heat.cols * heat.rows) {
        throw new RecordError(`heatmap.cells.${cell}`, `is outside the ${heat.cols}×${heat.rows} grid`);
      }
      amount(seconds, `heatmap.cells.${cell}`);
    }
  }
  if (record.partial !== undefined && typeof record.partial !== 'boolean') {
    throw new RecordError('partial', `must be true or false, not ${String(record.partial)}`);
  }
  count(record.store_visits.count, 'store_visits.count');
  count(record.store_visits.open, 'store_visits.open');
  amount(record.store_visits.total_s, 'store_visits.total_s');
}
