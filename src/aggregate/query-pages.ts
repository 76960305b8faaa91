/**
 * The SQL behind paged HQ answers (query.ts): what a page needs to know about a whole range, computed
 * inside SQLite so no row of the range is built in JS, and range totals summed, k-anonymised, ordered
 * and cut to one page in SQL. Callers own the level and range (statements.ts `RowRange`).
 *
 * Sums over a range read its cover (query-cover.ts: the coarsest stored bins inside it), given as
 * segments; `flowBinRows` counts per bin of the asked level, so it reads every flow row of the range.
 * The heatmap is summed row by row into one array of the grid, never a decoded map per bin.
 *
 * A roll-up level stores only closed periods (open-periods.ts): a cover uses a coarser bin only when it
 * is closed, and the asked level's open period is read as its raw bins (the raw bins at or after the
 * level's mark, `agg_mark`, are exactly those of the open period), as a roll-up of them would be.
 */
import type { SqliteDatabase } from '../store/database.js';
import { decodeHeat } from './heat-codec.js';
import type { HeatmapCells } from './records.js';
import { type FlowCount, flowZones } from './records.js';
import type { RowRange } from './statements.js';

export type FlowKind = 'transition' | 'path';

/** Transitions or paths summed over a range and k-anonymised: one page of the kept ones, the rest in sums. */
export interface FlowRanking {
  /** Flows counted at least k times, most frequent first, then by key: rows [offset, offset + limit). */
  page: FlowCount[];
  /** How many flows were kept (the ranked rows of the whole answer). */
  kept: number;
  /** Sum of the counts folded into "other", and how many distinct flows went in. */
  other_count: number;
  other_flows: number;
  /** Sum of every count in the range. */
  all: number;
}

const RANGE = 'res_s = @res AND start_ms >= @from AND start_ms < @to';
/** The raw bins of the open period (@open: its start, NULL when the range does not hold it). */
const OPEN = 'res_s = @raw AND start_ms >= @open';
/** Rows of a cover: `@segments` is a JSON array of [res, from, to] (an index range search per segment). */
const SEGMENTS = (table: string) =>
  `json_each(@segments) s JOIN ${table} r ON r.res_s = s.value ->> 0 AND r.start_ms >= s.value ->> 1 AND r.start_ms < s.value ->> 2`;

interface RankingRow {
  flow: string | null;
  /** Kept flows on the sums row, the flow's total on the others. */
  n: number;
  other_count: number;
  other_flows: number;
  all_count: number;
}

export class PageStatements {
  private readonly ids;
  private readonly binRows;
  private readonly ranking;
  private readonly newestBin;
  private readonly heatGrid;
  private readonly heatRows;
  private readonly heatBins;
  private readonly openBinRows;
  private readonly mark;
  private readonly allMarks;

  constructor(
    db: SqliteDatabase,
    private readonly rawKey: number,
  ) {
    this.mark = db.prepare('SELECT open_ms FROM agg_mark WHERE res_s = ?').pluck();
    this.allMarks = db.prepare('SELECT res_s, open_ms FROM agg_mark').raw();
    this.ids = {
      line: db.prepare(`SELECT DISTINCT r.line FROM ${SEGMENTS('agg_line')} ORDER BY 1`).pluck(),
      zone: db.prepare(`SELECT DISTINCT r.zone FROM ${SEGMENTS('agg_zone')} ORDER BY 1`).pluck(),
    };
    // The rows foldRareFlows() makes of one bin: its flows counted ≥ k, plus one "other" row if any is rarer.
    this.binRows = db.prepare(
      `SELECT start_ms, SUM(count >= @k) + MAX(count < @k) AS rows FROM agg_flow
       WHERE ${RANGE} AND kind = @kind AND count > 0 GROUP BY start_ms ORDER BY start_ms`,
    );
    this.openBinRows = db
      .prepare(
        `SELECT SUM(n >= @k) + MAX(n < @k) FROM (SELECT SUM(count) AS n FROM agg_flow WHERE ${OPEN} AND kind = @kind
         GROUP BY flow HAVING n > 0)`,
      )
      .pluck();
    // One pass over the range (the CTE is materialized once): a row of sums (flow NULL), and the
    // page of kept flows in flowList() order — count descending, then the key (ASCII ids: BINARY = JS).
    // A flow's total is over the range; zero totals are no flow (foldRareFlows skips them too).
    this.ranking = db.prepare(
      `WITH t AS MATERIALIZED (SELECT r.flow, SUM(r.count) AS n FROM ${SEGMENTS('agg_flow')} WHERE r.kind = @kind
         GROUP BY r.flow HAVING n > 0)
       SELECT NULL AS flow, COALESCE(SUM(n >= @k), 0) AS n, COALESCE(SUM(CASE WHEN n < @k THEN n END), 0) AS other_count,
         COALESCE(SUM(n < @k), 0) AS other_flows, COALESCE(SUM(n), 0) AS all_count FROM t
       UNION ALL
       SELECT * FROM (SELECT flow, n, 0, 0, 0 FROM t WHERE n >= @k ORDER BY n DESC, flow LIMIT @limit OFFSET @offset)`,
    );
    this.newestBin = db
      .prepare('SELECT start_ms + len_s * 1000 FROM agg_bin WHERE res_s = ? ORDER BY start_ms DESC LIMIT 1')
      .pluck();
    // The heatmap is summed on the grid of its latest bin; cells of other grids are left out (merge.ts).
    const heat = `${SEGMENTS('agg_bin')} WHERE r.heat IS NOT NULL AND r.heat_grid IS NOT NULL`;
    this.heatGrid = db.prepare(`SELECT r.heat_grid FROM ${heat} ORDER BY r.start_ms DESC LIMIT 1`).pluck();
    this.heatRows = db.prepare(`SELECT r.heat FROM ${heat} AND r.heat_grid = @grid`).pluck();
    this.heatBins = db
      .prepare(`SELECT COUNT(*) FROM agg_bin WHERE ${RANGE} AND heat IS NOT NULL AND heat_grid IS NOT NULL`)
      .pluck();
  }

  seriesIds(kind: 'line' | 'zone', cover: readonly RowRange[]): string[] {
    return this.ids[kind].all({ segments: segments(cover) }) as string[];
  }

  flowBinRows(kind: FlowKind, k: number, range: RowRange): { start_ms: number; rows: number }[] {
    const stored = this.binRows.all({ ...bounds(range), kind, k }) as { start_ms: number; rows: number }[];
    const open = this.openOf(range);
    const rows = open === null ? null : (this.openBinRows.get({ raw: this.rawKey, open, kind, k }) as number | null);
    // The open period starts after every stored bin of its level: it comes last.
    return open === null || rows === null ? stored : [...stored, { start_ms: open, rows }];
  }

  /** Per roll-up level, the start of its open period (not stored; its raw bins hold it). */
  marks(): Map<number, number> {
    return new Map(this.allMarks.all() as [number, number][]);
  }

  /** The start of the range's level's open period when the range holds it, else null. */
  openOf(range: RowRange): number | null {
    const mark = range.res === this.rawKey ? undefined : (this.mark.get(range.res) as number | undefined);
    return mark !== undefined && mark >= range.from && mark < range.to ? mark : null;
  }

  flowRanking(kind: FlowKind, k: number, cover: readonly RowRange[], page: { limit: number; offset: number }) {
    const rows = this.ranking.all({ segments: segments(cover), kind, k, ...page }) as RankingRow[];
    const sums = rows.find((row) => row.flow === null);
    return {
      page: rows.flatMap((row) => (row.flow === null ? [] : [{ zones: flowZones(row.flow), count: row.n }])),
      kept: sums?.n ?? 0,
      other_count: sums?.other_count ?? 0,
      other_flows: sums?.other_flows ?? 0,
      all: sums?.all_count ?? 0,
    } satisfies FlowRanking;
  }

  /** The heatmap summed over a cover, and how many bins of `range` (the asked level) had cells. */
  heatmap(cover: readonly RowRange[], range: RowRange): { heatmap: HeatmapCells | null; bins: number } {
    // The open period (read as its raw bins) is one bin of the asked level.
    const open = this.openOf(range);
    const openHeat = open === null ? 0 : (this.heatBins.get({ res: this.rawKey, from: open, to: range.to }) as number);
    const bins = (this.heatBins.get(bounds(range)) as number) + Math.min(1, openHeat);
    const grid = this.heatGrid.get({ segments: segments(cover) }) as string | undefined;
    if (grid === undefined) return { heatmap: null, bins };
    const [cellM = 0, x = 0, y = 0, cols = 0, rows = 0] = grid.split('|').map(Number);
    const seconds = new Float64Array(cols * rows);
    const touched = new Uint8Array(cols * rows);
    // One bin's cells at a time (a cover holds a few hundred bins), never every bin's map at once.
    for (const blob of this.heatRows.iterate({ segments: segments(cover), grid }) as IterableIterator<Buffer>) {
      for (const [key, value] of Object.entries(decodeHeat(grid, blob).cells)) {
        const cell = Number(key);
        seconds[cell] = (seconds[cell] ?? 0) + value;
        touched[cell] = 1;
      }
    }
    const cells: Record<string, number> = {};
    touched.forEach((on, cell) => {
      if (on === 1) cells[String(cell)] = seconds[cell] as number;
    });
    return { heatmap: { cell_m: cellM, origin: [x, y], cols, rows, cells }, bins };
  }

  /** End of the newest bin of level `res`, or undefined when it has none. */
  newestBinEnd(res: number): number | undefined {
    return this.newestBin.get(res) as number | undefined;
  }
}

function bounds(range: RowRange) {
  return { res: range.res, from: range.from, to: range.to };
}

function segments(cover: readonly RowRange[]): string {
  return JSON.stringify(cover.map((segment) => [segment.res, segment.from, segment.to]));
}
