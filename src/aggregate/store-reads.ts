/**
 * The HQ routes' reading API of the path-bin store (query.ts behind it), kept apart from the writing
 * side (store.ts): one method per question, each answered by the query layer of a started store.
 */
import type { Period, Resolution } from './levels.js';
import type {
  AggregateQuery,
  FlowBin,
  FlowKind,
  FlowRanking,
  LineSeriesRow,
  RangeOptions,
  StoreVisitRow,
  ZoneSeriesRow,
} from './query.js';
import type { FlowCount, HeatmapCells } from './records.js';

export abstract class AggregateReads {
  /** The query layer; throws when the store is not started. */
  protected abstract query(): AggregateQuery;

  resolutions(): Resolution[] {
    return this.query().resolutions();
  }
  periods(options: RangeOptions): Period[] {
    return this.query().periods(options);
  }
  lineSeries(options: RangeOptions & { lines?: readonly string[] }): LineSeriesRow[] {
    return this.query().lineSeries(options);
  }
  zoneSeries(options: RangeOptions & { zones?: readonly string[] }): ZoneSeriesRow[] {
    return this.query().zoneSeries(options);
  }
  storeVisitSeries(options: RangeOptions): StoreVisitRow[] {
    return this.query().storeVisitSeries(options);
  }
  flowSeries(kind: 'transition' | 'path', options: RangeOptions): FlowBin[] {
    return this.query().flowSeries(kind, options);
  }
  flowTotals(kind: 'transition' | 'path', options: RangeOptions): FlowCount[] {
    return this.query().flowTotals(kind, options);
  }
  heatmap(options: RangeOptions): { heatmap: HeatmapCells | null; bins: number } {
    return this.query().heatmap(options);
  }
  seriesIds(kind: 'line' | 'zone', options: RangeOptions): string[] {
    return this.query().seriesIds(kind, options);
  }
  flowBinRows(kind: FlowKind, k: number, options: RangeOptions): { start_ms: number; rows: number }[] {
    return this.query().flowBinRows(kind, k, options);
  }
  flowRanking(kind: FlowKind, k: number, options: RangeOptions & { limit: number; offset: number }): FlowRanking {
    return this.query().flowRanking(kind, k, options);
  }
  newestBinEnd(): number | undefined {
    return this.query().newestBinEnd();
  }
}
