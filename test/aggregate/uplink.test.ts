import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { openStore, type StoreFixture } from './helpers.js';
import { buildScenario, type Scenario } from './scenario.js';

let scenario: Scenario;
let fixture: StoreFixture | undefined;
const outboxes: Outbox[] = [];
beforeAll(() => {
  scenario = buildScenario();
});
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  for (const outbox of outboxes.splice(0)) await outbox.stop();
});

function outboxIn(dir: string): Outbox {
  const outbox = new Outbox({ gatewayId: 'gw-1', path: join(dir, 'outbox.db'), maxBytes: 1e9, maxAgeMs: 1e12 });
  outboxes.push(outbox);
  return outbox;
}

type Body = Record<string, unknown> & { bin_start: string; revision: number };
const bodies = (outbox: Outbox, stream: 'footfall' | 'zones' | 'paths' | 'heatmap') =>
  outbox.peek(stream, 10_000).map((record) => JSON.parse(record.body) as Body);

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      into.add(key);
      keysOf(v, into);
    }
  }
  return into;
}

describe('uplink records from written bins', () => {
  it('appends one record per stream and bin, k-anonymised, with no track ids', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    const outbox = outboxIn(fixture.dir);
    await outbox.start();
    await fixture.reopen({ outbox });
    for (const record of scenario.records) fixture.store.writeBin(record);
    const n = scenario.records.length;
    expect(bodies(outbox, 'footfall')).toHaveLength(n);
    expect(bodies(outbox, 'zones')).toHaveLength(n);
    expect(bodies(outbox, 'heatmap')).toHaveLength(scenario.records.filter((r) => r.heatmap !== null).length);
    const paths = bodies(outbox, 'paths');
    expect(paths).toHaveLength(scenario.records.filter((r) => r.transitions.length + r.paths.length > 0).length);

    const k = scenario.config.analysis.k_anonymity;
    let folded = 0;
    for (const body of paths) {
      const raw = scenario.records.find(
        (r) => new Date(r.bin_start_ms).toISOString() === body.bin_start,
      ) as PathBinRecord;
      const transitions = body.transitions as { from: string; to: string; count: number }[];
      const other = body.transitions_other as { count: number; flows: number };
      expect(transitions.every((t) => t.count >= k)).toBe(true);
      const rawTotal = raw.transitions.reduce((sum, t) => sum + t.count, 0);
      expect(transitions.reduce((sum, t) => sum + t.count, 0) + other.count).toBe(rawTotal);
      expect(other.flows).toBe(raw.transitions.filter((t) => t.count < k).length);
      const kept = body.paths as { zones: string[]; count: number }[];
      expect(kept.every((p) => p.count >= k)).toBe(true);
      expect(kept.reduce((s, p) => s + p.count, 0) + (body.paths_other as { count: number }).count).toBe(
        raw.paths.reduce((s, p) => s + p.count, 0),
      );
      folded += other.flows;
      expect(body.revision).toBe(1);
    }
    expect(folded).toBeGreaterThan(0);

    const all = ['footfall', 'zones', 'paths', 'heatmap'].flatMap((s) => bodies(outbox, s as 'footfall'));
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/"c\d-\d+"|"s\d-[ab]"/);
    expect([...keysOf(all)].filter((key) => /track|person|ped/i.test(key))).toEqual([]);
    const footfall = bodies(outbox, 'footfall')[0] as Body;
    const first = scenario.records[0] as PathBinRecord;
    expect(footfall.visitors_in).toBe(first.lines.door?.in ?? 0);
    expect(footfall.lines).toEqual(Object.entries(first.lines).map(([line, f]) => ({ line, ...f })));
  });

  it('appends nothing for an identical rewrite and a new revision for a changed one', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    const outbox = outboxIn(fixture.dir);
    await outbox.start();
    await fixture.reopen({ outbox });
    const record = scenario.records[3] as PathBinRecord;
    expect(fixture.store.writeBin(record).staged.sort()).toEqual(['footfall', 'heatmap', 'paths', 'zones']);
    expect(fixture.store.writeBin(record).staged).toEqual([]);
    expect(bodies(outbox, 'footfall')).toHaveLength(1);
    const changed = structuredClone(record);
    changed.store_visits.open += 1;
    expect(fixture.store.writeBin(changed).staged).toEqual(['footfall']);
    const footfall = bodies(outbox, 'footfall');
    expect(footfall.map((b) => b.revision)).toEqual([1, 2]);
    expect(footfall[1]?.bin_start).toBe(footfall[0]?.bin_start);
  });

  it('per 15 minutes: one record per stream and closed quarter, the merge of its bins; a late bin revises it', async () => {
    fixture = await openStore(scenario.config, { uplinkEvery: '15min' }, Date.parse('2026-03-30T00:00:00Z'));
    const outbox = outboxIn(fixture.dir);
    await outbox.start();
    await fixture.reopen({ outbox });
    for (const record of scenario.records) fixture.store.writeBin(record);
    const quarterOf = (ms: number) => ms - (ms % 900_000);
    const quarters = [...new Set(scenario.records.map((r) => quarterOf(r.bin_start_ms)))];
    // The newest quarter is still open: its record goes when the next bin closes it.
    const closed = quarters.slice(0, -1);
    const footfall = bodies(outbox, 'footfall');
    expect(footfall.map((b) => Date.parse(b.bin_start))).toEqual(closed);
    expect(footfall.every((b) => b.bin_s === 900 && b.revision === 1)).toBe(true);
    closed.forEach((quarter, i) => {
      const minutes = scenario.records.filter((r) => quarterOf(r.bin_start_ms) === quarter);
      const visitorsIn = minutes.reduce((sum, r) => sum + (r.lines.door?.in ?? 0), 0);
      expect(footfall[i]?.visitors_in).toBe(visitorsIn);
    });
    expect(bodies(outbox, 'zones').map((b) => Date.parse(b.bin_start))).toEqual(closed);
    // Heatmap seconds go at the precision they are stored at (float32: 7 significant digits).
    const [heat] = bodies(outbox, 'heatmap');
    const [stored] = fixture.store.records('15min', Date.parse(String(heat?.bin_start)), closed[1] as number);
    const cells = heat?.cells as [number, number][];
    expect(cells.length).toBe(Object.keys(stored?.heatmap?.cells ?? {}).length);
    for (const [cell, seconds] of cells) {
      expect(seconds).toBe(Number(seconds.toPrecision(7)));
      const want = stored?.heatmap?.cells[String(cell)] as number;
      expect(Math.abs(seconds - want)).toBeLessThanOrEqual(1e-6 * want);
    }
    // A late bin in a closed quarter: that quarter's next revision, nothing else.
    const late = structuredClone(scenario.records[1] as PathBinRecord);
    late.store_visits.open += 1;
    expect(fixture.store.writeBin(late).staged).toEqual(['footfall']);
    const revised = bodies(outbox, 'footfall').slice(closed.length);
    expect(revised.map((b) => [Date.parse(b.bin_start), b.revision])).toEqual([[quarterOf(late.bin_start_ms), 2]]);
  });

  it('keeps records staged while the outbox refuses them and appends them at the next start', async () => {
    fixture = await openStore(scenario.config, {}, Date.parse('2026-03-30T00:00:00Z'));
    const outbox = outboxIn(fixture.dir);
    await fixture.reopen({ outbox }); // not started: append throws
    for (const record of scenario.records.slice(0, 4)) fixture.store.writeBin(record);
    const staged = fixture.db.prepare('SELECT COUNT(*) AS n FROM agg_uplink WHERE body IS NOT NULL').get() as {
      n: number;
    };
    expect(staged.n).toBeGreaterThanOrEqual(8);
    await outbox.start();
    await fixture.reopen({ outbox });
    expect(bodies(outbox, 'footfall').map((b) => b.bin_start)).toEqual(
      scenario.records.slice(0, 4).map((r) => new Date(r.bin_start_ms).toISOString()),
    );
    const left = fixture.db.prepare('SELECT COUNT(*) AS n FROM agg_uplink WHERE body IS NOT NULL').get() as {
      n: number;
    };
    expect(left.n).toBe(0);
  });
});
