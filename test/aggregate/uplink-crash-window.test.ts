/**
 * The window between the outbox commit and clearing the staged rows (src/aggregate/uplink-log.ts,
 * ARCHITECTURE §11): the outbox commits a bin's records, then the process dies before `agg_uplink` is
 * cleared. The next start appends the staged records again; with their source keys the outbox inserts
 * nothing and hands back the first ids, so the cloud cannot get one record under two ids.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import type { OutboxSink } from '../../src/aggregate/uplink-log.js';
import { uplinkSourceKey } from '../../src/aggregate/uplink-records.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { openStore, type StoreFixture } from './helpers.js';
import { buildScenario, type Scenario } from './scenario.js';

let scenario: Scenario;
let fixture: StoreFixture | undefined;
let outbox: Outbox | undefined;
beforeAll(() => {
  scenario = buildScenario();
});
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  await outbox?.stop();
  outbox = undefined;
});

const STREAMS = ['footfall', 'zones', 'paths', 'heatmap'] as const;

/** Every pending record of the aggregate streams: id → body. */
function held(box: Outbox): Map<string, Record<string, unknown>> {
  return new Map(
    STREAMS.flatMap((stream) => box.peek(stream, 100_000)).map((r) => [
      r.id,
      JSON.parse(r.body) as Record<string, unknown>,
    ]),
  );
}

describe('uplink records across a kill between the outbox commit and the staged rows being cleared', () => {
  it('appends them again on restart under their first ids, inserting nothing', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    outbox = new Outbox({ gatewayId: 'gw-1', path: join(fixture.dir, 'outbox.db'), maxBytes: 1e9, maxAgeMs: 1e12 });
    await outbox.start();
    const real = outbox;
    // Bins go through normally until the last one: its flush appends footfall, heatmap and paths, then
    // "dies" right after the outbox commit of zones, before the staged rows are cleared (after all).
    let dying = false;
    const sink: OutboxSink = {
      append(stream, records, options) {
        const ids = real.append(stream, records, options);
        if (dying && stream === 'zones') throw new Error('killed after the outbox commit');
        return ids;
      },
    };
    await fixture.reopen({ outbox: sink });
    const bins = scenario.records.slice(0, 6) as PathBinRecord[];
    bins.forEach((record, i) => {
      dying = i === bins.length - 1;
      fixture?.store.writeBin(record);
    });
    const staged = fixture.db.prepare('SELECT stream, start_ms FROM agg_uplink WHERE body IS NOT NULL').all();
    const first = held(real);
    const last = bins.at(-1)?.bin_start_ms;
    expect(staged).toEqual([...STREAMS].sort().map((stream) => ({ stream, start_ms: last })));
    expect(real.pending('zones')).toBe(bins.length);
    expect(real.pending('footfall')).toBe(bins.length);

    // Restart: start() flushes the staged rows into the real outbox.
    await fixture.reopen({ outbox: real });
    const left = fixture.db.prepare('SELECT COUNT(*) AS n FROM agg_uplink WHERE body IS NOT NULL').pluck().get();
    expect(left).toBe(0);
    expect(held(real)).toEqual(first);
    expect(real.stats().backlogTotal).toBe(first.size);

    // No (stream, bin, revision) under two ids, and the key is computable from the record itself.
    const keys = [...first.entries()].map(([id, body]) => {
      const stream = id.split(':')[1];
      return `${stream} ${uplinkSourceKey(body as { bin_start: string; bin_s: number; revision: number })}`;
    });
    expect(new Set(keys).size).toBe(keys.length);

    // The next bin goes on with the next seqs.
    fixture.store.writeBin(scenario.records[6] as PathBinRecord);
    expect(real.peek('footfall', 100).at(-1)?.id).toBe(`gw-1:footfall:${bins.length + 1}`);
  });
});
