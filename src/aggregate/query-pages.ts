/**
 * The SQL behind paged HQ answers (query.ts): what a page needs to know about a whole range, computed
 * inside SQLite so no row of the range is built in JS, and range totals summed, k-anonymised, ordered
 * and cut to one page in SQL. Callers own the level and range (statements.ts `RowRange`).
 *
 * Each statement still reads every row of the range once (an index range scan): DISTINCT ids, one
 * GROUP BY row per bin, or every flow's total — ranking by count cannot stop early.
 *
 * A roll-up level stores only closed periods (open-periods.ts); when the range holds its open period,
 * that period's part comes from the raw bins at or after the level's mark (`agg_mark`), which are exactly
 * the raw bins of the open period: ids are their union and flow counts their sums, as a roll-up's are.
 */
import type { SqliteDatabase } from '../store/database.js';
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
  private readonly openBinRows;
  private readonly mark;

  constructor(
    db: SqliteDatabase,
    private readonly rawKey: number,
  ) {
    const ids = (table: string, id: string) =>
      db
        .prepare(`SELECT ${id} FROM ${table} WHERE ${RANGE} UNION SELECT ${id} FROM ${table} WHERE ${OPEN} ORDER BY 1`)
        .pluck();
    this.ids = { line: ids('agg_line', 'line'), zone: ids('agg_zone', 'zone') };
    this.mark = db.prepare('SELECT open_ms FROM agg_mark WHERE res_s = ?').pluck();
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
      `WITH t AS MATERIALIZED (SELECT flow, SUM(count) AS n FROM (SELECT flow, count FROM agg_flow WHERE ${RANGE}
         AND kind = @kind UNION ALL SELECT flow, count FROM agg_flow WHERE ${OPEN} AND kind = @kind)
         GROUP BY flow HAVING n > 0)
       SELECT NULL AS flow, COALESCE(SUM(n >= @k), 0) AS n, COALESCE(SUM(CASE WHEN n < @k THEN n END), 0) AS other_count,
         COALESCE(SUM(n < @k), 0) AS other_flows, COALESCE(SUM(n), 0) AS all_count FROM t
       UNION ALL
       SELECT * FROM (SELECT flow, n, 0, 0, 0 FROM t WHERE n >= @k ORDER BY n DESC, flow LIMIT @limit OFFSET @offset)`,
    );
    this.newestBin = db
      .prepare('SELECT start_ms + len_s * 1000 FROM agg_bin WHERE res_s = ? ORDER BY start_ms DESC LIMIT 1')
      .pluck();
  }

  seriesIds(kind: 'line' | 'zone', range: RowRange): string[] {
    return this.ids[kind].all(this.bounds(range)) as string[];
  }

  flowBinRows(kind: FlowKind, k: number, range: RowRange): { start_ms: number; rows: number }[] {
    const stored = this.binRows.all({ ...bounds(range), kind, k }) as { start_ms: number; rows: number }[];
    const open = this.bounds(range).open;
    const rows = open === null ? null : (this.openBinRows.get({ raw: this.rawKey, open, kind, k }) as number | null);
    // The open period starts after every stored bin of its level: it comes last.
    return open === null || rows === null ? stored : [...stored, { start_ms: open, rows }];
  }

  flowRanking(kind: FlowKind, k: number, range: RowRange, page: { limit: number; offset: number }): FlowRanking {
    const rows = this.ranking.all({ ...this.bounds(range), kind, k, ...page }) as RankingRow[];
    const sums = rows.find((row) => row.flow === null);
    return {
      page: rows.flatMap((row) => (row.flow === null ? [] : [{ zones: flowZones(row.flow), count: row.n }])),
      kept: sums?.n ?? 0,
      other_count: sums?.other_count ?? 0,
      other_flows: sums?.other_flows ?? 0,
      all: sums?.all_count ?? 0,
    };
  }

  /** End of the newest bin of level `res`, or undefined when it has none. */
  newestBinEnd(res: number): number | undefined {
    return this.newestBin.get(res) as number | undefined;
  }

  /** The range's bounds, the raw level and the start of its level's open period if the range holds it. */
  private bounds(range: RowRange) {
    const mark = range.res === this.rawKey ? undefined : (this.mark.get(range.res) as number | undefined);
    const open = mark !== undefined && mark >= range.from && mark < range.to ? mark : null;
    return { ...bounds(range), raw: this.rawKey, open };
  }
}

function bounds(range: RowRange) {
  return { res: range.res, from: range.from, to: range.to };
}
