/**
 * E2E (ARCHITECTURE §11 "no acknowledged aggregate is lost"): the real gateway stopped CLEANLY in the
 * middle of a bin and started again on the same data directory while the camera goes on into the same
 * bin and beyond. zara01 (real tracks, test/fixtures/zara01) is published as one smart camera over MQTT
 * (QoS 1, camera profile payloads), in the recent past and faster than real time: event time, not
 * arrival time, decides every figure. The gateway is down for GAP_S of event time (those frames are
 * never sent, as a camera's would be lost).
 *
 * The stop flushes the unfinished bin: visits that ended, crossings, heatmap seconds and occupancy up to
 * the stop are real figures, stored as a PARTIAL bin; the restarted gateway's close of that bin must be
 * merged into it, not replace it. What the store holds at the end must be exactly what the engines
 * compute over the same samples in one run, each track split at the stop (a restart ends every journey;
 * someone still in view goes on as a new one) — test/aggregate/bin-parts.ts — read raw from SQLite and
 * as HQ reads it (/zones/stats, /footfall), and the cloud's highest revision of the bin must hold both
 * parts. A kill -9 is another matter: it loses the in-memory part of open bins (README "Partial bins").
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKinds } from '../../devices/index.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { AggregateStore } from '../../src/aggregate/store.js';
import { uplinkSourceKey } from '../../src/aggregate/uplink-records.js';
import { parseConfig } from '../../src/config/index.js';
import { createRegistry } from '../../src/metrics.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import type { TrackRow } from '../../src/paths/tracks-file.js';
import { framesOf } from '../../src/simulate/track-replay.js';
import { openDatabase } from '../../src/store/database.js';
import { Outbox } from '../../src/store/outbox/outbox.js';
import { outboxOptionsFromConfig } from '../../src/store/outbox/types.js';
import { type BinParts, binParts, expectSameRecords } from '../aggregate/bin-parts.js';
import { type GatewayUnderTest, makeDataDir, metricValue, startGateway, waitFor } from '../helpers/gateway.js';
import { cameraFrames, publishFrames, type TrackFrame } from '../paths/live/frame-publisher.js';
import { addHqToken, type FootfallRow, hqRows, type Range, type ZoneRow } from '../paths/live/hq-figures.js';
import { zaraGatewayYaml, zaraRows } from '../paths/live/zara01-views.js';

const CAMERA = 'cam-zara';
// Revisions per bin are what this test follows: one uplink record per bin, not per quarter.
const YAML = `${zaraGatewayYaml(CAMERA)}uplink: { path_records_every: bin }\n`;
const config = parseConfig(YAML, 'zara01.yaml', { env: {}, knownKinds: profileKinds });
const model = compileFloor(config.floor, config.analysis);
const BIN_MS = config.analysis.bin_s * 1000;
/** File time of the stop: the middle of the bin [120 s, 180 s) of the file. */
const STOP_T = 150;
/** Event seconds the gateway is down for (longer than the group window, as any real restart is). */
const GAP_S = 4;

/** Raw bins of a STOPPED gateway's store over `range`, read from SQLite. */
async function storedBins(dataDir: string, range: Range): Promise<PathBinRecord[]> {
  const db = openDatabase(join(dataDir, 'omo.db'), []);
  const store = new AggregateStore({ db, config, metrics: createRegistry() });
  try {
    await store.start();
    return store.records('raw', range.fromMs, range.toMs);
  } finally {
    await store.stop();
    db.close();
  }
}

/** `records` written to a scratch store and read back (same ordering and float32 heatmap as stored ones). */
async function viaStore(dataDir: string, records: readonly PathBinRecord[], range: Range): Promise<PathBinRecord[]> {
  const db = openDatabase(join(dataDir, 'reference.db'), []);
  const store = new AggregateStore({ db, config, metrics: createRegistry() });
  try {
    await store.start();
    for (const record of records) store.writeBin(record);
    return store.records('raw', range.fromMs, range.toMs);
  } finally {
    await store.stop();
    db.close();
    await rm(join(dataDir, 'reference.db'), { force: true });
  }
}

describe('E2E: a clean stop and restart of the gateway inside a bin', () => {
  let dataDir: string;
  let token: string;
  let gw: GatewayUnderTest | undefined;
  let stopBin: number;
  let range: Range;
  let expected: BinParts;
  let afterStop: PathBinRecord[];
  let atEnd: PathBinRecord[];
  let uplinked: { key: string; visits: number }[];
  let framesSeen: number[];
  let lastTs: number;

  /** Publishes `frames` as the camera to a running gateway and waits until the live path took them all. */
  async function feed(running: GatewayUnderTest, password: string, frames: TrackFrame[]): Promise<void> {
    const client = await running.connectDevice(CAMERA, password);
    await publishFrames({ clients: new Map([[CAMERA, client]]), frames, shiftMs: 0, windowMs: 2000 });
    const seen = await waitFor(
      async () => {
        const n = metricValue(await running.scrape(), 'omo_paths_frames_total');
        return n >= frames.length ? n : 0;
      },
      10_000,
      'every frame in the live path',
    );
    framesSeen.push(seen);
  }

  beforeAll(async () => {
    framesSeen = [];
    // The file in the recent past, shifted by whole bins so its bins are the gateway's bins.
    const lastT = Math.max(...zaraRows.map((row) => row.t));
    const shiftMs = Math.floor((Date.now() - 120_000 - lastT * 1000) / BIN_MS) * BIN_MS;
    const rows: TrackRow[] = zaraRows.map((row) => ({ ...row, t: (Math.round(row.t * 1000) + shiftMs) / 1000 }));
    const stopS = STOP_T + shiftMs / 1000;
    stopBin = Math.floor(stopS / config.analysis.bin_s) * BIN_MS;
    const frames = cameraFrames(framesOf(rows), CAMERA);
    const firstTs = frames[0]?.ts ?? 0;
    lastTs = frames.at(-1)?.ts ?? 0;
    range = { fromMs: Math.floor(firstTs / BIN_MS) * BIN_MS, toMs: Math.ceil((lastTs + 1) / BIN_MS) * BIN_MS };
    expected = binParts(model, rows, [stopS], GAP_S);

    dataDir = await makeDataDir('omo-restart-bin-');
    token = await addHqToken(dataDir);
    gw = await startGateway({ yaml: YAML, dataDir });
    const password = await gw.addDevice(CAMERA, 'camera');
    await feed(
      gw,
      password,
      frames.filter((f) => f.ts < stopS * 1000),
    );
    await gw.stop(); // clean: flushes every journey and the unfinished bin
    gw = undefined;
    afterStop = await storedBins(dataDir, range);

    gw = await startGateway({ yaml: YAML, dataDir });
    await feed(
      gw,
      password,
      frames.filter((f) => f.ts >= (stopS + GAP_S) * 1000),
    );
    await gw.stop();
    gw = undefined;
    atEnd = await storedBins(dataDir, range);
    const outbox = new Outbox(outboxOptionsFromConfig(config, dataDir));
    await outbox.start();
    const iso = new Date(stopBin).toISOString();
    uplinked = outbox
      .peek('zones', 100_000)
      .map((r) => JSON.parse(r.body) as { bin_start: string; bin_s: number; revision: number; zones: ZoneRow[] })
      .filter((body) => body.bin_start === iso)
      .map((body) => ({ key: uplinkSourceKey(body), visits: body.zones.reduce((n, z) => n + z.visits, 0) }));
    await outbox.stop();
    gw = await startGateway({ yaml: YAML, dataDir });
  });

  afterAll(async () => {
    await gw?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  const visits = (record: PathBinRecord | undefined) =>
    Object.values(record?.zones ?? {}).reduce((n, z) => n + z.visits, 0);
  const binAt = (records: readonly PathBinRecord[]) => records.find((r) => r.bin_start_ms === stopBin);

  it('the stop stored the unfinished bin as partial, with the figures up to the stop', async () => {
    const [before, after] = expected.parts as [PathBinRecord[], PathBinRecord[]];
    // Visits ended on both sides of the stop: replacing the bin would lose the first ones.
    expect(visits(binAt(before))).toBeGreaterThan(2);
    expect(visits(binAt(after))).toBeGreaterThan(2);
    expect(afterStop.filter((r) => r.partial).map((r) => r.bin_start_ms)).toEqual([stopBin]);
    expectSameRecords(afterStop, await viaStore(dataDir, before, range));
  });

  it('after the restart every bin holds what one run over the same samples gives: nothing lost, nothing twice', async () => {
    expect(framesSeen.reduce((a, b) => a + b, 0)).toBe(framesOf(zaraRows).length - framesInGap());
    const reference = await viaStore(dataDir, expected.reference, range);
    // The last bins were flushed by the second stop past its watermark and stay partial (no third run
    // continued them); nothing else is partial.
    const watermark = lastTs - config.ingest.watermark_s * 1000;
    expect(atEnd.filter((r) => r.partial).map((r) => r.bin_start_ms)).toEqual(
      atEnd.filter((r) => r.bin_start_ms + BIN_MS > watermark).map((r) => r.bin_start_ms),
    );
    const ended = atEnd.map(({ partial: _partial, ...figures }) => figures);
    expectSameRecords(ended, reference);
    expect(binAt(atEnd)?.partial).toBeUndefined();
    expect(visits(binAt(atEnd))).toBe(visits(binAt(expected.parts[0] ?? [])) + visits(binAt(expected.parts[1] ?? [])));
  });

  it('HQ reads the bin of the stop with both parts (/zones/stats, /footfall)', async () => {
    const running = gw as GatewayUnderTest;
    const want = binAt(expected.reference) as PathBinRecord;
    const bin = { fromMs: stopBin, toMs: stopBin + BIN_MS };
    const zones = await hqRows<ZoneRow>(running, token, 'zones/stats', bin);
    // Every zone of the floor has a row; one the bin does not list had no visit and nobody inside.
    expect(zones.map((row) => row.zone).sort()).toEqual(model.zones.map((zone) => zone.id).sort());
    expect(zones.filter((row) => row.visits > 0).length).toBeGreaterThan(2);
    for (const row of zones) {
      const none = {
        visits: 0,
        dwells: 0,
        pass_throughs: 0,
        dwell_total_s: 0,
        occupancy: { end: 0, max: 0, person_s: 0 },
      };
      const z = want.zones[row.zone] ?? none;
      expect([row.visits, row.dwells, row.pass_throughs], row.zone).toEqual([z.visits, z.dwells, z.pass_throughs]);
      expect([row.occupancy_end, row.occupancy_max], row.zone).toEqual([z.occupancy.end, z.occupancy.max]);
      expect(row.dwell_total_s).toBeCloseTo(z.dwell_total_s, 6);
      expect(row.occupancy_mean).toBeCloseTo(z.occupancy.person_s / config.analysis.bin_s, 9);
    }
    const footfall = await hqRows<FootfallRow>(running, token, 'footfall', bin);
    for (const row of footfall) {
      const l = want.lines[row.line];
      expect([row.in, row.out, row.groups_in, row.groups_out], row.line).toEqual([
        l?.in,
        l?.out,
        l?.groups_in,
        l?.groups_out,
      ]);
    }
    expect(footfall.map((row) => row.line).sort()).toEqual(Object.keys(want.lines).sort());
  });

  it('uplinks the bin twice: revision 1 at the stop, revision 2 with both parts (the one the cloud keeps)', () => {
    const iso = new Date(stopBin).toISOString();
    expect(uplinked).toEqual([
      { key: `${iso}/60/r1`, visits: visits(binAt(expected.parts[0] ?? [])) },
      { key: `${iso}/60/r2`, visits: visits(binAt(expected.reference)) },
    ]);
  });

  /** zara01 frames that fall in the downtime (never sent). */
  function framesInGap(): number {
    return framesOf(zaraRows).filter((f) => f.t >= STOP_T && f.t < STOP_T + GAP_S).length;
  }
});
