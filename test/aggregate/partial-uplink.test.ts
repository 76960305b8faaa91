/**
 * Uplink records of a bin continued after a clean stop (README "Partial bins", "Uplink records"): the
 * partial bin goes out as revision 1, the merged bin as revision 2 under its own source key, so the cloud
 * (which keeps the highest revision per stream and bin) ends up with both parts; keys keep every
 * revision exactly-once across a kill between the outbox commit and clearing the staged rows.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeBinParts } from '../../src/aggregate/merge.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import type { OutboxSink } from '../../src/aggregate/uplink-log.js';
import { uplinkBodies, uplinkSourceKey } from '../../src/aggregate/uplink-records.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { binParts } from './bin-parts.js';
import { openStore, type StoreFixture } from './helpers.js';
import { COPY_STARTS, scenarioConfig, scenarioTracks } from './scenario.js';

const config = scenarioConfig();
const model = compileFloor(config.floor, config.analysis);
const COPY = COPY_STARTS[0] as number;
const BIN = (COPY + 120) * 1000;
const ISO = new Date(BIN).toISOString();
const { parts, reference } = binParts(
  model,
  scenarioTracks().filter((row) => row.t < COPY + 600),
  [COPY + 150],
  3,
);
const [before, after] = parts as [PathBinRecord[], PathBinRecord[]];
const STREAMS = ['footfall', 'zones', 'paths', 'heatmap'] as const;

let fixture: StoreFixture | undefined;
let outbox: Outbox | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  await outbox?.stop();
  outbox = undefined;
});

type Body = Record<string, unknown> & { bin_start: string; bin_s: number; revision: number };
/** The records of BIN in a stream, oldest first. */
function ofBin(box: Outbox, stream: (typeof STREAMS)[number]): { id: string; body: Body }[] {
  return box
    .peek(stream, 100_000)
    .map((r) => ({ id: r.id, body: JSON.parse(r.body) as Body }))
    .filter((r) => r.body.bin_start === ISO);
}

async function storeWithOutbox(sink?: (real: Outbox) => OutboxSink): Promise<{ store: StoreFixture; real: Outbox }> {
  const store = await openStore(config, {}, Date.parse('2026-03-30T00:00:00Z'));
  fixture = store;
  const real = new Outbox({ gatewayId: 'gw-1', path: join(store.dir, 'outbox.db'), maxBytes: 1e9, maxAgeMs: 1e12 });
  outbox = real;
  await real.start();
  await store.reopen({ outbox: sink ? sink(real) : real });
  return { store, real };
}

describe('uplink records of a bin continued after a clean stop', () => {
  it('goes out as revision 1 (the stop) and 2 (merged); the highest revision holds both parts', async () => {
    const { store, real } = await storeWithOutbox();
    for (const record of before) store.store.writeBin(record);
    const flushed = store.store.records('raw', BIN, BIN + 1)[0] as PathBinRecord;
    const continuation = after.find((r) => r.bin_start_ms === BIN) as PathBinRecord;
    for (const record of after) store.store.writeBin(record);

    for (const stream of STREAMS) {
      const records = ofBin(real, stream);
      expect(
        records.map((r) => uplinkSourceKey(r.body)),
        stream,
      ).toEqual([`${ISO}/60/r1`, `${ISO}/60/r2`]);
    }
    const want = reference.find((r) => r.bin_start_ms === BIN) as PathBinRecord;
    const wantZones = (uplinkBodies(want, config.analysis.k_anonymity).zones as { zones: Body[] }).zones;
    const [r1, r2] = ofBin(real, 'zones').map((r) => r.body.zones as Body[]);
    const total = (zones: Body[] | undefined) => (zones ?? []).reduce((n, z) => n + (z.visits as number), 0);
    expect(total(r1)).toBe(Object.values(flushed.zones).reduce((n, z) => n + z.visits, 0));
    expect(total(r2)).toBe(total(wantZones));
    expect(total(r2)).toBeGreaterThan(total(r1));
    expect(r2?.map((z) => z.zone)).toEqual(wantZones.map((z) => z.zone));
    r2?.forEach((zone, i) => {
      const w = wantZones[i] as Body;
      for (const key of ['visits', 'dwells', 'dwell_p50_s', 'dwell_p90_s', 'dwell_hist_ds', 'occupancy_end']) {
        expect(zone[key], `${zone.zone} ${key}`).toEqual(w[key]);
      }
      expect(zone.occupancy_max, `${zone.zone}`).toBe(w.occupancy_max);
      expect(zone.dwell_total_s as number).toBeCloseTo(w.dwell_total_s as number, 9);
      expect(zone.occupancy_mean as number).toBeCloseTo(w.occupancy_mean as number, 9);
    });
    const footfall = ofBin(real, 'footfall').at(-1)?.body;
    const wantFootfall = uplinkBodies(want, config.analysis.k_anonymity).footfall as Body;
    expect(footfall?.lines).toEqual(wantFootfall.lines);

    // The same merged figures written again (a re-close) stage nothing: no revision 3.
    expect(store.store.writeBin(mergeBinParts(flushed, continuation)).staged).toEqual([]);
    // Appending a revision again with its key inserts nothing and returns the first ids.
    for (const stream of STREAMS) {
      const records = ofBin(real, stream);
      const again = records.map(({ body }) => {
        const { id: _id, produced_at: _at, ...record } = body;
        return record;
      });
      const keys = records.map((r) => uplinkSourceKey(r.body));
      expect(real.append(stream, again, { keys })).toEqual(records.map((r) => r.id));
      expect(ofBin(real, stream)).toHaveLength(2);
    }
  });

  it('a kill after the outbox commit of the merged bin: its records come again under their first ids', async () => {
    let dying = false;
    const { store, real } = await storeWithOutbox((box) => ({
      append(stream, records, options) {
        const ids = box.append(stream, records, options);
        // Streams flush in name order: zones is the last, so every stream is appended before the kill
        // (this sink has no appendMany: one commit per stream, the staged rows cleared after all).
        if (dying && stream === 'zones') throw new Error('killed after the outbox commit');
        return ids;
      },
    }));
    for (const record of before) store.store.writeBin(record);
    dying = true;
    expect(store.store.writeBin(after.find((r) => r.bin_start_ms === BIN) as PathBinRecord).merged).toBe(true);
    const first = new Map(STREAMS.map((stream) => [stream, ofBin(real, stream)]));
    expect([...first.values()].map((records) => records.map((r) => r.body.revision))).toEqual(
      STREAMS.map(() => [1, 2]),
    );
    const staged = store.db.prepare('SELECT stream, start_ms FROM agg_uplink WHERE body IS NOT NULL').all();
    // The flush clears its rows once every stream is appended: the kill leaves all of them staged.
    expect(staged).toEqual(
      STREAMS.map((stream) => ({ stream, start_ms: BIN })).sort((a, b) => (a.stream < b.stream ? -1 : 1)),
    );

    dying = false;
    await store.reopen({ outbox: real }); // start() appends what stayed staged
    expect(store.db.prepare('SELECT COUNT(*) FROM agg_uplink WHERE body IS NOT NULL').pluck().get()).toBe(0);
    for (const stream of STREAMS) expect(ofBin(real, stream), stream).toEqual(first.get(stream));
    // The bin is final now and was merged once: its stored visits are both parts', not three.
    const stored = store.store.records('raw', BIN, BIN + 1)[0] as PathBinRecord;
    const want = reference.find((r) => r.bin_start_ms === BIN) as PathBinRecord;
    expect(stored.partial).toBeUndefined();
    expect(Object.values(stored.zones).map((z) => z.visits)).toEqual(Object.values(want.zones).map((z) => z.visits));
  });
});
