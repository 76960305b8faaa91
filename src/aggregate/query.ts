/**
 * Reading the aggregates back for the HQ API (ARCHITECTURE §8): one resolution, the bins whose start
 * lies in [from, to), optional zone/line filters. Series come back sparse (bins and ids with figures);
 * `periods()` lists every bin of the range so callers can show zeros where nothing happened.
 *
 * Paging is pushed into SQL (query-pages.ts) so a page costs what the page holds, not what the range
 * holds (issue 8: a long range must not stall the gateway): a caller first learns the shape of the
 * answer cheaply — the ids of a range (`seriesIds`), the rows each bin gives (`flowBinRows`) — then reads
 * only the bins of its page with a narrower range. Range totals are ranked and cut in SQL (`flowRanking`);
 * sums read the coarsest bins inside the range (query-cover.ts).
 *
 * `limitReads(n)` bounds the stored bins the reads that follow may touch (a query worker sets it per
 * request): one past it throws QueryTooLarge before reading, so a request costs at most n bins.
 */

import type { ZoneKind } from '../paths/floor-model.js';
import type { ZoneVisitRow } from './daily-summary.js';
import { histogramPercentile } from './dwell-histogram.js';
import type { BinLevels, Level, Period, Resolution } from './levels.js';
import { addFlows, flowList } from './merge.js';
import { Calendar, type CoverSegment } from './query-cover.js';
import { type FlowKind, type FlowRanking, PageStatements } from './query-pages.js';
import type { FlowCount, HeatmapCells, LineBinFigures, StoreVisitFigures, ZoneBinFigures } from './records.js';
import { type AggregateStatements, lineFigures, type RowRange, zoneFigures } from './statements.js';

export type { FlowKind, FlowRanking } from './query-pages.js';

export interface RangeOptions {
  resolution: Resolution;
  fromMs: number;
  toMs: number;
}

interface BinKey {
  start_ms: number;
  len_s: number;
}

export type LineSeriesRow = BinKey & LineBinFigures & { line: string };
export type StoreVisitRow = BinKey & StoreVisitFigures;
export type FlowBin = BinKey & { flows: FlowCount[] };

export interface ZoneSeriesRow extends BinKey {
  zone: string;
  kind: ZoneKind;
  visits: number;
  dwells: number;
  pass_throughs: number;
  dwell_total_s: number;
  /** dwell_total_s / visits; 0 without visits. */
  dwell_mean_s: number;
  /** Nearest-rank over the dwell histogram: within 0.05 s of the raw percentile (dwell-histogram.ts). */
  dwell_p50_s: number;
  dwell_p90_s: number;
  occupancy_end: number;
  occupancy_max: number;
  /** Person-seconds / bin length. */
  occupancy_mean: number;
  person_s: number;
}

export class QueryError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** A request would read more stored bins than it may (`limitReads`): the client must narrow it. */
export class QueryTooLarge extends Error {
  constructor(
    readonly bins: number,
    readonly max: number,
  ) {
    super(
      `this request reads ${bins} stored bins; one request may read ${max}: narrow it with a shorter range (from, to), a coarser bin, or a smaller page (limit)`,
    );
    this.name = 'QueryTooLarge';
  }
}

export class AggregateQuery {
  private readonly pages: PageStatements;
  /** Bins of every level, store days remembered (a year of day rows repeats each day per line and zone). */
  private readonly calendar: Calendar;
  /** Bins the current request has read, and the most it may (undefined: no limit). */
  private reads: { bins: number; max: number } | undefined;

  constructor(
    private readonly sql: AggregateStatements,
    private readonly levels: BinLevels,
  ) {
    this.pages = new PageStatements(sql.db, levels.raw.key);
    this.calendar = new Calendar(levels);
  }

  /** From now on, reads may touch `maxBins` stored bins in all (a new request starts a new count). */
  limitReads(maxBins: number): void {
    this.reads = { bins: 0, max: maxBins };
  }

  /** Resolutions kept (those not finer than analysis.bin_s). */
  resolutions(): Resolution[] {
    return this.levels.levels.flatMap((level) => (level.name === null ? [] : [level.name]));
  }

  /** Every bin of the resolution starting in [from, to), data or not. */
  periods(options: RangeOptions): Period[] {
    return this.calendar.periods(this.levelOf(options.resolution), options.fromMs, options.toMs);
  }

  lineSeries(options: RangeOptions & { lines?: readonly string[] }): LineSeriesRow[] {
    const { level, range } = this.read(options, options.lines);
    return this.sql
      .lineRows(range)
      .map((row) => ({ ...this.key(level, row.start_ms), line: row.line, ...lineFigures(row) }));
  }

  zoneSeries(options: RangeOptions & { zones?: readonly string[] }): ZoneSeriesRow[] {
    const { level, range } = this.read(options, options.zones);
    return this.sql.zoneRows(range).map((row) => {
      const key = this.key(level, row.start_ms);
      return zoneSeriesRow(key, row.zone, zoneFigures(row));
    });
  }

  storeVisitSeries(options: RangeOptions): StoreVisitRow[] {
    const { level, range } = this.read(options);
    return this.sql.binRows(range).map((row) => ({
      ...this.key(level, row.start_ms),
      count: row.store_visits,
      total_s: row.store_visit_s,
      open: row.store_open,
    }));
  }

  /** Ids of the lines or zones with a row in the range (one since removed from the config too), sorted. */
  seriesIds(kind: 'line' | 'zone', options: RangeOptions): string[] {
    return this.pages.seriesIds(kind, this.cover(options));
  }

  /** Zone visits per bin (no dwell figures: the daily summary's busiest and checkout zones). */
  zoneVisits(options: RangeOptions): ZoneVisitRow[] {
    // The rows' dwell histograms are never parsed (zoneSeries parses each for its percentiles).
    return this.sql
      .zoneRows(this.read(options).range)
      .map(({ start_ms, zone, kind, visits }) => ({ start_ms, zone, kind, visits }));
  }

  /** Per bin with flows, in time order, how many rows its flows make k-anonymised (foldRareFlows). */
  flowBinRows(kind: FlowKind, k: number, options: RangeOptions): { start_ms: number; rows: number }[] {
    return this.pages.flowBinRows(kind, k, this.read(options).range);
  }

  /** Flows summed over the range, folded at k, one page of the kept ones ranked. */
  flowRanking(kind: FlowKind, k: number, options: RangeOptions & { limit: number; offset: number }): FlowRanking {
    const { limit, offset } = options;
    return this.pages.flowRanking(kind, k, this.cover(options), { limit, offset });
  }

  /**
   * End of the newest raw bin stored, or undefined when there is none. Bins are written closed, so
   * figures up to it are as final as the store knows. A PARTIAL bin (a clean stop inside it) counts:
   * it holds everything observed up to the stop and a restart only adds to it (README "Partial bins").
   */
  newestBinEnd(): number | undefined {
    return this.pages.newestBinEnd(this.levels.raw.key);
  }

  /** Transitions or paths per bin, most frequent first within each bin. */
  flowSeries(kind: FlowKind, options: RangeOptions): FlowBin[] {
    const { level, range } = this.read(options);
    const bins = new Map<number, Map<string, number>>();
    for (const row of this.sql.flowRows(range, kind)) {
      const counts = bins.get(row.start_ms) ?? new Map<string, number>();
      counts.set(row.flow, (counts.get(row.flow) ?? 0) + row.count);
      bins.set(row.start_ms, counts);
    }
    return [...bins].map(([start, counts]) => ({ ...this.key(level, start), flows: flowList(counts) }));
  }

  /** Transitions or paths summed over the range, most frequent first. */
  flowTotals(kind: FlowKind, options: RangeOptions): FlowCount[] {
    const counts = new Map<string, number>();
    for (const bin of this.flowSeries(kind, options)) addFlows(counts, bin.flows);
    return flowList(counts);
  }

  /** The heatmap summed over the range; `bins` is how many bins had heatmap seconds. */
  heatmap(options: RangeOptions): { heatmap: HeatmapCells | null; bins: number } {
    return this.pages.heatmap(this.cover(options), this.range(options).range);
  }

  private levelOf(resolution: Resolution): Level {
    const level = this.levels.level(resolution);
    if (level === undefined) {
      throw new QueryError(
        'bin',
        `bin=${resolution} is finer than analysis.bin_s (${this.levels.binS} s); use one of ${this.resolutions().join(', ')}`,
      );
    }
    return level;
  }

  private range(options: RangeOptions, ids?: readonly string[]): { level: Level; range: RowRange } {
    const level = this.levelOf(options.resolution);
    return { level, range: { res: level.key, from: options.fromMs, to: options.toMs, ids: ids ?? null } };
  }

  /** The range, its bins counted against the request's limit. */
  private read(options: RangeOptions, ids?: readonly string[]) {
    const found = this.range(options, ids);
    this.count(this.calendar.count(found.level, options.fromMs, options.toMs));
    return found;
  }

  /**
   * The coarsest stored bins making up the range (query-cover.ts), counted against the limit; the asked
   * level's open period, not stored, as its raw bins (query-pages.ts).
   */
  private cover(options: RangeOptions): CoverSegment[] {
    const level = this.levelOf(options.resolution);
    const segments = this.calendar.cover(level, options.fromMs, options.toMs, this.pages.marks());
    const open = this.pages.openOf({ res: level.key, from: options.fromMs, to: options.toMs });
    if (open !== null) {
      const raw = this.levels.raw;
      const end = this.calendar.periodOf(level, open).end;
      segments.push({ res: raw.key, from: open, to: end, bins: this.calendar.count(raw, open, end) });
    }
    this.count(segments.reduce((sum, segment) => sum + segment.bins, 0));
    return segments;
  }

  private count(bins: number): void {
    if (this.reads === undefined) return;
    this.reads.bins += bins;
    if (this.reads.bins > this.reads.max) throw new QueryTooLarge(this.reads.bins, this.reads.max);
  }

  private key(level: Level, start: number): BinKey {
    if (!level.day) return { start_ms: start, len_s: level.key };
    const period = this.calendar.periodOf(level, start);
    return { start_ms: start, len_s: (period.end - period.start) / 1000 };
  }
}

function zoneSeriesRow(key: BinKey, zone: string, z: ZoneBinFigures): ZoneSeriesRow {
  return {
    ...key,
    zone,
    kind: z.kind,
    visits: z.visits,
    dwells: z.dwells,
    pass_throughs: z.pass_throughs,
    dwell_total_s: z.dwell_total_s,
    dwell_mean_s: z.visits > 0 ? z.dwell_total_s / z.visits : 0,
    dwell_p50_s: histogramPercentile(z.dwell_hist_ds, 50),
    dwell_p90_s: histogramPercentile(z.dwell_hist_ds, 90),
    occupancy_end: z.occupancy.end,
    occupancy_max: z.occupancy.max,
    occupancy_mean: z.occupancy.person_s / key.len_s,
    person_s: z.occupancy.person_s,
  };
}
