/**
 * Bins from the real path engines for the aggregate and HQ API tests: the UCY zara01 scene
 * (test/fixtures/zara01, real trajectories) replayed five times over two store days in Berlin — one
 * copy straddles local midnight, the second day is the spring DST change (23 h) — plus a few shoppers
 * who walk in through the door, wait at a till queue and walk out, so store visits and checkout figures
 * exist. Track ids are made unique per copy.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { pathBinRecordFromBinData } from '../../src/aggregate/records.js';
import { parseConfig } from '../../src/config/index.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import type { BinData } from '../../src/paths/aggregator.js';
import { groupTracks } from '../../src/paths/analyze.js';
import { FloorAnalyzer } from '../../src/paths/analyzer.js';
import { compileFloor, type FloorModel } from '../../src/paths/floor-model.js';
import { parseObsmatTracks, type TrackRow } from '../../src/paths/tracks-file.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/zara01/${name}`, import.meta.url));

export const TIME_ZONE = 'Europe/Berlin';
/** Copy starts (UTC): local 09:00, 11:00, 11:30 and 23:57 on Sat 28 March 2026 (CET), 14:00 CEST on the 29th. */
export const COPY_STARTS = [
  '2026-03-28T08:00:00Z',
  '2026-03-28T10:00:00Z',
  '2026-03-28T10:30:00Z',
  '2026-03-28T22:57:00Z',
  '2026-03-29T12:00:00Z',
].map((iso) => Date.parse(iso) / 1000);
export const DAY1 = { start: Date.parse('2026-03-27T23:00:00Z'), end: Date.parse('2026-03-28T23:00:00Z') };
export const DAY2 = { start: DAY1.end, end: Date.parse('2026-03-29T22:00:00Z') };

export function scenarioConfig(overrides: { storage?: Partial<GatewayConfig['storage']> } = {}): GatewayConfig {
  const config = parseConfig(readFileSync(fixture('config.yaml'), 'utf8'), 'zara01/config.yaml', { env: {} });
  config.store.timezone = TIME_ZONE;
  config.storage = { ...config.storage, ...overrides.storage };
  // A queue zone in the doorway (queues may overlap areas): checkout figures for /summary/daily.
  config.floor.zones.push({
    id: 'till',
    name: 'Till queue',
    kind: 'queue',
    polygon: [
      [2.5, 5.5],
      [3.5, 5.5],
      [3.5, 6.5],
      [2.5, 6.5],
    ],
    exit_grace_s: 1,
    min_dwell_s: 0,
    dwell_threshold_s: 10,
    stale_s: 2,
  });
  return config;
}

/** A shopper: pavement → through the door → waits `waitS` at the till → back out, samples every 0.4 s. */
function shopper(id: string, t0: number, waitS: number): TrackRow[] {
  const rows: TrackRow[] = [];
  let t = t0;
  const step = (x: number) => {
    rows.push({ t, id, x, y: 6 });
    t = Math.round((t + 0.4) * 10) / 10;
  };
  for (let x = -1; x < 3; x += 0.25) step(x);
  for (let w = 0; w < waitS; w += 0.4) step(3);
  for (let x = 3; x > -1; x -= 0.25) step(x);
  return rows;
}

export function scenarioTracks(): TrackRow[] {
  const zara = parseObsmatTracks(readFileSync(fixture('obsmat.txt'), 'utf8'));
  const rows: TrackRow[] = [];
  COPY_STARTS.forEach((start, copy) => {
    for (const row of zara) rows.push({ t: start + row.t, id: `c${copy}-${row.id}`, x: row.x, y: row.y });
    rows.push(...shopper(`s${copy}-a`, start + 30, 20 + copy * 7));
    rows.push(...shopper(`s${copy}-b`, start + 200, 45 - copy * 3));
  });
  return rows;
}

export interface Scenario {
  config: GatewayConfig;
  model: FloorModel;
  /** The engines' bins, oldest first (their raw dwell values are the reference for percentiles). */
  bins: BinData[];
  records: PathBinRecord[];
}

export function buildScenario(config: GatewayConfig = scenarioConfig()): Scenario {
  const model = compileFloor(config.floor, config.analysis);
  const analyzer = new FloorAnalyzer(model);
  for (const [id, samples] of groupTracks(scenarioTracks())) {
    const track = analyzer.track('zara', id, (samples[0] as TrackRow).t);
    for (const s of samples) analyzer.pushTo(track, s.t, s.x, s.y);
    analyzer.closeTrack(track);
  }
  const bins = analyzer.finish();
  return { config, model, bins, records: bins.map((bin) => pathBinRecordFromBinData(model, bin)) };
}
