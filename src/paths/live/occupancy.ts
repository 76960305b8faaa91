/**
 * Live occupancy (issue 3 "Live"): the current §5 occupancy of every zone, published retained on
 * `omo/gateway/occupancy/<zone>` as `{"zone","count","ts"}` when it changes — at most once per zone per
 * `minIntervalMs` of gateway time, so a crowd shuffling at a zone edge cannot flood subscribers — and kept
 * in the `omo_zone_occupancy{zone}` gauge. `ts` is the event time (epoch ms) the count holds for: the
 * watermark, `ingest.watermark_s` behind the newest reading, so the figure agrees with the event-time bins
 * (staff left out once recognised, as §5 "Staff" allows live).
 * Every zone is published once at the first update, so a subscriber finds a retained value for each.
 */
import { Gauge, type Registry } from 'prom-client';
import { registerOnce } from '../../metrics.js';
import type { Zone, ZoneKind } from '../floor-model.js';

export interface ZoneOccupancy {
  zone: string;
  kind: ZoneKind;
  count: number;
}

export interface OccupancySnapshot {
  /** Event time the counts hold for, epoch ms; null before the first camera frame. */
  ts: number | null;
  zones: ZoneOccupancy[];
}

export type Publish = (topic: string, payload: string, options: { retain: boolean }) => void;

export const OCCUPANCY_TOPIC_PREFIX = 'omo/gateway/occupancy/';

export class OccupancyPublisher {
  private readonly gauge: Gauge<'zone'>;
  private readonly published: (number | undefined)[];
  private readonly publishedAt: number[];
  private snapshot: OccupancySnapshot;

  constructor(
    private readonly zones: readonly Zone[],
    metrics: Registry,
    private readonly publish: Publish,
    private readonly now: () => number,
    private readonly minIntervalMs: number,
  ) {
    this.gauge = registerOnce(
      metrics,
      'omo_zone_occupancy',
      () =>
        new Gauge({
          name: 'omo_zone_occupancy',
          help: 'People in each zone now (§5 occupancy at the event-time watermark; staff once recognised excluded).',
          labelNames: ['zone'] as const,
          registers: [metrics],
        }),
    );
    this.published = zones.map(() => undefined);
    this.publishedAt = zones.map(() => Number.NEGATIVE_INFINITY);
    this.snapshot = { ts: null, zones: zones.map((z) => ({ zone: z.id, kind: z.kind, count: 0 })) };
    for (const zone of zones) this.gauge.set({ zone: zone.id }, 0);
  }

  current(): OccupancySnapshot {
    return { ts: this.snapshot.ts, zones: this.snapshot.zones.map((z) => ({ ...z })) };
  }

  /** New counts (per zone index) at event time `tsMs`; publishes the zones that changed and may go out. */
  update(counts: readonly number[], tsMs: number): void {
    const wall = this.now();
    this.snapshot = {
      ts: tsMs,
      zones: this.zones.map((z) => ({ zone: z.id, kind: z.kind, count: counts[z.index] ?? 0 })),
    };
    for (const zone of this.zones) {
      const count = counts[zone.index] ?? 0;
      this.gauge.set({ zone: zone.id }, count);
      if (this.published[zone.index] === count) continue;
      if (wall - (this.publishedAt[zone.index] as number) < this.minIntervalMs) continue;
      this.published[zone.index] = count;
      this.publishedAt[zone.index] = wall;
      this.publish(`${OCCUPANCY_TOPIC_PREFIX}${zone.id}`, JSON.stringify({ zone: zone.id, count, ts: tsMs }), {
        retain: true,
      });
    }
  }

  /** Drops this run's gauge values (a stopped gateway reports no occupancy). */
  clear(): void {
    for (const zone of this.zones) this.gauge.remove({ zone: zone.id });
  }
}
