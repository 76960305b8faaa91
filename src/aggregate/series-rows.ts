/**
 * The row readers the HQ queries use (query.ts), over stored AND open roll-up periods: a roll-up level
 * stores only closed periods (open-periods.ts), so a range reaching into the open period gets that
 * period's rows merged from the finer levels here, in the order the SQL readers return them. The open
 * period starts after every stored bin of its level, so its rows simply follow the stored ones.
 */
import type { SqliteDatabase } from '../store/database.js';
import { type BinRows, binRowsOf } from './bin-rows.js';
import type { BinLevels } from './levels.js';
import { OpenPeriods } from './open-periods.js';
import type { PathBinRecord } from './records.js';
import type { BinRow, FlowRow, LineRow, ZoneRow } from './schema.js';
import { AggregateStatements, type RowRange } from './statements.js';

export class SeriesRows extends AggregateStatements {
  private readonly open: OpenPeriods;

  constructor(
    db: SqliteDatabase,
    private readonly levels: BinLevels,
  ) {
    super(db);
    this.open = new OpenPeriods(this, levels);
  }

  override binRows(range: RowRange): BinRow[] {
    const open = this.openRows(range);
    return open === undefined ? super.binRows(range) : [...super.binRows(range), open.bin];
  }

  /** Whole records of a level in [from, to), the open period included (stored ones: `records`). */
  recordsWithOpen(range: RowRange): PathBinRecord[] {
    const open = this.openRecord(range);
    return open === undefined ? this.records(range) : [...this.records(range), open];
  }

  override lineRows(range: RowRange): LineRow[] {
    const open = this.openRows(range)?.lines.filter((row) => wanted(range, row.line)) ?? [];
    return [...super.lineRows(range), ...open];
  }

  override zoneRows(range: RowRange): ZoneRow[] {
    const open = this.openRows(range)?.zones.filter((row) => wanted(range, row.zone)) ?? [];
    return [...super.zoneRows(range), ...open];
  }

  override flowRows(range: RowRange, kind: FlowRow['kind'] | null): FlowRow[] {
    const open = this.openRows(range)?.flows.filter((row) => kind === null || row.kind === kind) ?? [];
    return [...super.flowRows(range, kind), ...open];
  }

  /** The open period of the range's level as rows, when it starts inside the range and has bins. */
  private openRows(range: RowRange): BinRows | undefined {
    const record = this.openRecord(range);
    return record === undefined ? undefined : binRowsOf(range.res, record);
  }

  private openRecord(range: RowRange): PathBinRecord | undefined {
    const level = this.levels.levels.find((l) => l.key === range.res);
    if (level === undefined || level === this.levels.raw) return undefined;
    const marks = this.open.marks();
    const mark = marks.get(level.key);
    if (mark === undefined || mark < range.from || mark >= range.to) return undefined;
    return this.open.record(level, marks);
  }
}

function wanted(range: RowRange, id: string): boolean {
  return range.ids === undefined || range.ids === null || range.ids.includes(id);
}
