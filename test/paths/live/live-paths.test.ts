/**
 * LivePaths as the gateway runs it, on a real bus and registry: the event-time watermark (late frames
 * dropped and counted, never merged), retained occupancy on change with a rate limit and the gauge, final
 * bins handed on once each and in order, a failing consumer counted without stopping the rest, stop()
 * flushing what is still open, and a restart on the same registry.
 */
import { describe, expect, it } from 'vitest';
import { profileKinds } from '../../../devices/index.js';
import { EventBus } from '../../../src/bus.js';
import { parseConfig } from '../../../src/config/index.js';
import { setLogLevel } from '../../../src/log.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { LivePaths } from '../../../src/paths/live/live-paths.js';

setLogLevel('silent');

const config = parseConfig(
  `
store: { id: s }
gateway: { id: g, log_level: silent }
floor:
  bounds: { min: [0, 0], max: [20, 10] }
  zones:
    - { id: shop, kind: area, polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] }
    - { id: street, kind: area, polygon: [[10, 0], [20, 0], [20, 10], [10, 10]] }
devices:
  - { id: cam, kind: camera, camera: { type: smart } }
`,
  'live.yaml',
  { env: {}, knownKinds: profileKinds },
);
const T0 = Date.UTC(2026, 0, 5, 9);

async function value(metrics: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await metrics.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

function setup(onBin?: (bin: BinData) => void) {
  const bus = new EventBus();
  const metrics = createRegistry();
  const clock = { now: 0 };
  const published: { topic: string; payload: Record<string, unknown>; retain: boolean }[] = [];
  const bins: BinData[] = [];
  const live = new LivePaths({
    config,
    bus,
    metrics,
    publish: (topic, payload, { retain }) => void published.push({ topic, payload: JSON.parse(payload), retain }),
    onBin: onBin ?? ((bin) => void bins.push(bin)),
    now: () => clock.now,
    tickMs: 60_000,
  });
  const frame = (ts: number, people: { id: string; x: number; y: number }[]) =>
    bus.emit('cameraTracks', { deviceId: 'cam', kind: 'camera', ts, space: 'floor', people });
  return { bus, metrics, clock, published, bins, live, frame };
}

describe('LivePaths', () => {
  it('drops a frame behind the watermark and counts it; takes one ahead of it, even out of order', async () => {
    const { live, frame, metrics } = setup();
    await live.start();
    frame(T0, [{ id: '1', x: 1, y: 1 }]);
    frame(T0 + 20_000, [{ id: '1', x: 2, y: 1 }]); // watermark: T0 + 15 s
    frame(T0 + 14_000, [{ id: '1', x: 3, y: 1 }]);
    frame(T0 + 16_000, [{ id: '1', x: 4, y: 1 }]);
    expect(await value(metrics, 'omo_paths_frames_dropped_total', { reason: 'late' })).toBe(1);
    expect(await value(metrics, 'omo_paths_frames_total', { space: 'floor' })).toBe(3);
    await live.stop();
    expect(live.analyzer?.counts.samples).toBe(3);
  });

  it('publishes retained occupancy per zone at the watermark when it changes, at most once a second per zone', async () => {
    const { live, frame, clock, published, metrics } = setup();
    await live.start();
    expect(live.currentOccupancy()).toEqual({
      ts: null,
      zones: [
        { zone: 'shop', kind: 'area', count: 0 },
        { zone: 'street', kind: 'area', count: 0 },
      ],
    });
    for (let s = 0; s <= 10; s++) frame(T0 + s * 1000, [{ id: '1', x: 5, y: 5 }]);
    live.advance(); // watermark T0 + 5 s: one person in the shop
    expect(published).toEqual([
      { topic: 'omo/gateway/occupancy/shop', payload: { zone: 'shop', count: 1, ts: T0 + 5000 }, retain: true },
      { topic: 'omo/gateway/occupancy/street', payload: { zone: 'street', count: 0, ts: T0 + 5000 }, retain: true },
    ]);
    expect(await value(metrics, 'omo_zone_occupancy', { zone: 'shop' })).toBe(1);
    for (let s = 11; s <= 20; s++) frame(T0 + s * 1000, [{ id: '1', x: 15, y: 5 }]); // walked into the street
    clock.now = 500;
    live.advance();
    expect(published).toHaveLength(2); // changed, but within a second of the last message
    expect(live.currentOccupancy()).toMatchObject({ ts: T0 + 15_000, zones: [{ count: 0 }, { count: 1 }] });
    clock.now = 1000;
    live.advance();
    expect(published.slice(2).map((p) => p.payload)).toEqual([
      { zone: 'shop', count: 0, ts: T0 + 15_000 },
      { zone: 'street', count: 1, ts: T0 + 15_000 },
    ]);
    clock.now = 5000;
    live.advance();
    expect(published).toHaveLength(4); // unchanged: nothing more
    await live.stop();
    expect(await value(metrics, 'omo_zone_occupancy', { zone: 'street' })).toBe(0);
  });

  it('hands on each final bin once, in order, while running; stop() flushes the rest', async () => {
    const { live, frame, bins } = setup();
    await live.start();
    // One person in the shop from 0 to 150 s (3 bins), one in the street from 30 to 40 s.
    for (let s = 0; s <= 300; s++) {
      const people = s <= 150 ? [{ id: '1', x: 5, y: 5 }] : [];
      if (s >= 30 && s <= 40) people.push({ id: '2', x: 15, y: 5 });
      frame(T0 + s * 1000, people);
      if (s % 10 === 0) live.advance();
    }
    const whileRunning = bins.length;
    expect(whileRunning).toBeGreaterThan(0);
    await live.stop();
    expect(bins.map((b) => b.index)).toEqual([0, 1, 2].map((k) => T0 / 60_000 + k));
    const visits = bins.flatMap((b) => b.dwells.map((list, zone) => ({ zone, list })).filter((d) => d.list));
    expect(visits.map(({ zone, list }) => [zone, list])).toEqual([
      [1, [10]],
      [0, [150]],
    ]);
  });

  it('counts a bin its consumer could not take and goes on with the next', async () => {
    const taken: number[] = [];
    const { live, frame, metrics } = setup((bin) => {
      if (taken.length === 0 && bin.index === T0 / 60_000) {
        taken.push(-1);
        throw new Error('disk full');
      }
      taken.push(bin.index);
    });
    await live.start();
    for (let s = 0; s <= 130; s++) frame(T0 + s * 1000, [{ id: '1', x: 5, y: 5 }]);
    await live.stop();
    expect(await value(metrics, 'omo_paths_bin_failures_total')).toBe(1);
    expect(await value(metrics, 'omo_paths_bins_total')).toBe(3);
    expect(taken).toEqual([-1, T0 / 60_000 + 1, T0 / 60_000 + 2]);
  });

  it('restarts on the same registry with fresh state; stops without listeners left on the bus', async () => {
    const { live, frame, bus, metrics } = setup();
    await live.start();
    frame(T0, [{ id: '1', x: 5, y: 5 }]);
    await live.stop();
    expect(bus.listenerCount('cameraTracks')).toBe(0);
    expect(live.analyzer?.counts.samples).toBe(1); // the stopped run stays readable
    await live.start();
    expect(live.analyzer?.counts.samples).toBe(0);
    frame(T0 + 1000, [{ id: '1', x: 5, y: 5 }]);
    await live.stop();
    expect(live.stitchCounts?.journeys).toBe(1);
    expect(await value(metrics, 'omo_paths_journeys_total')).toBe(2);
  });
});
