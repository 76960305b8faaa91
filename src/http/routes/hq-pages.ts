/**
 * Paging of HQ lists, whose rows come grouped by bin in time order. A page [offset, offset + limit) is
 * located from how many rows each bin gives — known without reading the bins (a grid of periods × ids)
 * or from one cheap SQL count (query-pages.ts) — so only the bins of the page are read and built.
 */
import type { RangeOptions } from '../../aggregate/query.js';
import { binTimes, type HqAggregateSource, type HqRange, resolveIds } from './hq-params.js';

export interface Paging {
  limit: number;
  offset: number;
}

export interface TablePage<R> {
  /** Rows in the whole answer; null when counting them would read the whole range (cursor paging). */
  total: number | null;
  items: R[];
  /** Cursor paging: where the next page starts, null on the last page. */
  cursor?: string | null;
}

/** The bins holding a page, and how many rows of the first one precede it. */
interface PageWindow {
  fromMs: number;
  toMs: number;
  skip: number;
}

function pageWindow(
  bins: readonly { start_ms: number; rows: number }[],
  page: Paging,
): { total: number; window: PageWindow | null } {
  let total = 0;
  let first: { start: number; skip: number } | undefined;
  let lastStart = 0;
  for (const bin of bins) {
    if (bin.rows > 0 && total + bin.rows > page.offset && total < page.offset + page.limit) {
      first ??= { start: bin.start_ms, skip: page.offset - total };
      lastStart = bin.start_ms;
    }
    total += bin.rows;
  }
  if (first === undefined) return { total, window: null };
  return { total, window: { fromMs: first.start, toMs: lastStart + 1, skip: first.skip } };
}

/**
 * One page of a list grouped by bin: `bins` gives each bin's row count in time order, `read` every row
 * of the bins starting in a narrower range, in the list's order.
 */
export function binnedPage<R>(
  range: HqRange,
  bins: readonly { start_ms: number; rows: number }[],
  page: Paging,
  read: (window: RangeOptions) => readonly R[],
): TablePage<R> {
  const { total, window } = pageWindow(bins, page);
  if (window === null) return { total, items: [] };
  const rows = read({ resolution: range.resolution, fromMs: window.fromMs, toMs: window.toMs });
  return { total, items: rows.slice(window.skip, window.skip + page.limit) };
}

export interface Grid<S> {
  /** The ids listed in each bin, in order (gridIds). */
  ids: readonly string[];
  /** The stored rows of the bins starting in a range (sparse: bins and ids with figures). */
  read: (window: RangeOptions) => readonly S[];
  idOf: (row: S) => string;
}

/**
 * One page of a dense grid — every bin of the range × every id, zeros where the store holds nothing (it
 * keeps no empty bins) — built only for the bins of the page.
 */
export function gridPage<S extends { start_ms: number }, R>(
  aggregates: Pick<HqAggregateSource, 'periods'>,
  range: HqRange,
  page: Paging,
  grid: Grid<S>,
  build: (times: ReturnType<typeof binTimes>, id: string, row: S | undefined) => R,
): TablePage<R> {
  const periods = aggregates.periods(range);
  const bins = periods.map((period) => ({ start_ms: period.start, rows: grid.ids.length }));
  return binnedPage(range, bins, page, (window) => {
    const byKey = new Map(grid.read(window).map((row) => [`${row.start_ms}|${grid.idOf(row)}`, row]));
    return periods
      .filter((period) => period.start >= window.fromMs && period.start < window.toMs)
      .flatMap((period) => {
        const times = binTimes(range.timeZone, period.start, (period.end - period.start) / 1000);
        return grid.ids.map((id) => build(times, id, byKey.get(`${period.start}|${id}`)));
      });
  });
}

/**
 * A grid's line or zone ids: those the `parameter` asks for (checked against the floor plan), else every
 * configured id plus any the range still holds for one since removed from the config, sorted.
 */
export function gridIds(
  aggregates: Pick<HqAggregateSource, 'seriesIds'>,
  range: HqRange,
  kind: 'line' | 'zone',
  asked: string | undefined,
  configured: readonly string[],
): string[] {
  const selected = resolveIds(asked, configured, kind);
  return selected ?? [...new Set([...configured, ...aggregates.seriesIds(kind, range)])].sort();
}
