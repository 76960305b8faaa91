/**
 * E2E (ARCHITECTURE §5 "Final figures on time", issue 7 "Figures arrive on time"): the real gateway, one
 * smart camera over MQTT (camera profile payloads, QoS 1). People walk past for 2 h 15 min — the real
 * zara01 pedestrians, looped with fresh ids — while one more "person" crosses the pavement line and then
 * stands still on the pavement for two hours (a motionless shopper, or a camera's static false
 * positive), and finally walks into the stockroom: staff after all.
 *
 * Event time, not wall time: the scene lies in the recent past and is published as fast as the gateway
 * acknowledges, in chunks; after each chunk the test waits (for conditions, never for a time) until the
 * gateway has taken every frame and handed on what it will hand on, so nothing depends on machine speed.
 * Checked: while the motionless track is open, every bin goes to the store exactly when max_hold_s
 * (600 s) of event time has passed its end — not one bin earlier or later — with the motionless track's
 * figures in it (HQ reads them); after the reveal exactly the bins it touched are written again without
 * it (HQ reads the exact figures of the whole scene with it as staff), and the uplink outbox holds a
 * revision 2 of each of them.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKinds } from '../../devices/index.js';
import type { PathBinRecord } from '../../src/aggregate/records.js';
import { parseConfig } from '../../src/config/index.js';
import { compileFloor } from '../../src/paths/floor-model.js';
import type { TrackRow } from '../../src/paths/tracks-file.js';
import { framesOf } from '../../src/simulate/track-replay.js';
import { Outbox, outboxOptionsFromConfig } from '../../src/store/outbox/outbox.js';
import { binParts } from '../aggregate/bin-parts.js';
import { type GatewayUnderTest, makeDataDir, metricValue, startGateway, waitFor } from '../helpers/gateway.js';
import { cameraFrames, publishFrames, type TrackFrame } from '../paths/live/frame-publisher.js';
import { addHqToken, type FootfallRow, hqRows, type ZoneRow } from '../paths/live/hq-figures.js';
import { zaraGatewayYaml, zaraRows } from '../paths/live/zara01-views.js';

const CAMERA = 'cam-pavement';
// Revisions per bin are what this test follows: one uplink record per bin, not per quarter.
const YAML = `${zaraGatewayYaml(CAMERA)}uplink: { path_records_every: bin }\n`;
const config = parseConfig(YAML, 'zara01.yaml', { env: {}, knownKinds: profileKinds });
const model = compileFloor(config.floor, config.analysis);
const BIN_S = config.analysis.bin_s;
const HOLD_S = config.analysis.max_hold_s;
const WATERMARK_S = config.ingest.watermark_s;
/** Scene seconds: the motionless track stands until STILL_UNTIL (in the stockroom 8 s later), the camera stops at END. */
const STILL_UNTIL = 7202;
const END = 8100;
/** zara01 spans 0.04–360.44 s; a loop every 366 s keeps every sample on one 0.4 s grid. */
const LOOP_S = 366;
const GRID_S = 0.4;
/** Bins that went out while it stood: those ending max_hold_s before the last checkpoint's watermark. */
const TOUCHED = Math.floor((STILL_UNTIL - 1 - HOLD_S) / BIN_S);

/** Scene time (s from the scene's start, on the 0.4 s grid) → event seconds, exact to the millisecond. */
const at = (startS: number, sceneS: number) => (startS * 1000 + Math.round(sceneS * 1000)) / 1000;

/** The pedestrians, looped with fresh ids, and the motionless track; `stillAs` says how it ends. */
function sceneRows(startS: number, stillAs: 'staff' | 'open'): TrackRow[] {
  const rows: TrackRow[] = [];
  for (let loop = 0; loop * LOOP_S < END; loop++) {
    for (const row of zaraRows) {
      const scene = loop * LOOP_S + row.t - 0.04;
      if (scene < END) rows.push({ id: `${row.id}:${loop}`, t: at(startS, scene), x: row.x, y: row.y });
    }
  }
  const still = (scene: number, x: number, y: number) => rows.push({ id: 'still', t: at(startS, scene), x, y });
  const last = stillAs === 'staff' ? STILL_UNTIL + 12 : STILL_UNTIL;
  for (let k = 0; k * GRID_S <= last; k++) {
    const scene = k * GRID_S;
    if (scene <= 4)
      still(scene, -1 + (1.5 * scene) / 4, 11 + (2 * scene) / 4); // across the pavement line (y = 12)
    else if (scene <= STILL_UNTIL) still(scene, 0.5, 13);
    else {
      const f = Math.min(1, (scene - STILL_UNTIL) / 10); // in the stockroom (x ≥ 4, y ≤ 7.5) from f = 0.8
      still(scene, 0.5 + 5 * f, 13 - 7 * f);
    }
  }
  return rows.sort((a, b) => a.t - b.t);
}

/** HQ's footfall and zone rows of [fromS, toS) equal `reference` bin by bin (a bin it lacks: zeros). */
async function expectHqFigures(
  gw: GatewayUnderTest,
  token: string,
  reference: readonly PathBinRecord[],
  fromS: number,
  toS: number,
): Promise<void> {
  const range = { fromMs: fromS * 1000, toMs: toS * 1000 };
  const byStart = new Map(reference.map((record) => [record.bin_start_ms, record]));
  const footfall = await hqRows<FootfallRow>(gw, token, 'footfall', range);
  expect(footfall.length).toBe(((toS - fromS) / BIN_S) * model.lines.length);
  for (const row of footfall) {
    const want = byStart.get(Date.parse(row.bin_start))?.lines[row.line];
    const figures = [want?.in ?? 0, want?.out ?? 0, want?.groups_in ?? 0, want?.groups_out ?? 0];
    expect([row.in, row.out, row.groups_in, row.groups_out], `${row.bin_start} ${row.line}`).toEqual(figures);
  }
  const zones = await hqRows<ZoneRow>(gw, token, 'zones/stats', range);
  expect(zones.length).toBe(((toS - fromS) / BIN_S) * model.zones.length);
  for (const row of zones) {
    const want = byStart.get(Date.parse(row.bin_start))?.zones[row.zone];
    const figures = [want?.visits ?? 0, want?.occupancy.end ?? 0, want?.occupancy.max ?? 0];
    expect([row.visits, row.occupancy_end, row.occupancy_max], `${row.bin_start} ${row.zone}`).toEqual(figures);
  }
}

describe('E2E: a two-hour motionless track among passers-by holds no figures beyond max_hold_s', () => {
  let dataDir: string;
  let token: string;
  let gw: GatewayUnderTest | undefined;
  let startS: number;
  let frames: TrackFrame[];
  let published = 0;
  let firstBinsAt: { sceneS: number; bins: number }[];
  let revisedBins: number;
  let heldTracks: number;
  /** Every outbox record as (stream, bin start in scene seconds, revision). */
  let staged: { stream: string; sceneS: number; revision: number }[];

  const scrape = async (name: string, labels: Record<string, string> = {}) =>
    metricValue(await (gw as GatewayUnderTest).scrape(), name, labels);

  /** Publishes the frames up to scene second `untilS` and waits until the live path has taken them all. */
  async function publishUntil(client: Parameters<typeof publishFrames>[0]['clients'], untilS: number) {
    const end = frames.findIndex((frame) => frame.ts > at(startS, untilS) * 1000);
    const chunk = frames.slice(published, end < 0 ? frames.length : end);
    await publishFrames({ clients: client, frames: chunk, shiftMs: 0, windowMs: 2000 });
    published += chunk.length;
    await waitFor(async () => (await scrape('omo_paths_frames_total')) >= published, 30_000, 'every frame taken');
  }

  beforeAll(async () => {
    // The scene in the recent past, on whole bins: it ends a quarter of an hour before now.
    startS = Math.floor((Date.now() / 1000 - END - 900) / BIN_S) * BIN_S;
    frames = cameraFrames(framesOf(sceneRows(startS, 'staff')), CAMERA);
    dataDir = await makeDataDir('omo-max-hold-');
    token = await addHqToken(dataDir);
    gw = await startGateway({ yaml: YAML, dataDir });
    const client = new Map([[CAMERA, await gw.connectDevice(CAMERA, await gw.addDevice(CAMERA, 'camera'))]]);

    // While it stands: chunks ending 1 s after a release edge of the hold, each waited out.
    const provisional = binParts(model, sceneRows(startS, 'open'), [], 0).reference;
    firstBinsAt = [];
    for (let sceneS = 600 + WATERMARK_S + 1; sceneS <= STILL_UNTIL + WATERMARK_S; sceneS += 600) {
      await publishUntil(client, sceneS);
      const due = Math.max(0, Math.floor((sceneS - WATERMARK_S - HOLD_S) / BIN_S));
      await waitFor(
        async () => (await scrape('omo_paths_bins_total', { kind: 'first' })) >= due,
        30_000,
        `${due} bins`,
      );
      firstBinsAt.push({ sceneS, bins: await scrape('omo_paths_bins_total', { kind: 'first' }) });
      // What went out holds what the motionless track had added (it is as if it ended now).
      if (due > 0) await expectHqFigures(gw, token, provisional, startS, startS + due * BIN_S);
    }

    // The reveal, and the rest of the scene.
    await publishUntil(client, END);
    await waitFor(
      async () => (await scrape('omo_paths_bins_total', { kind: 'revised' })) >= TOUCHED,
      30_000,
      'revisions',
    );
    const exact = binParts(model, sceneRows(startS, 'staff'), [], 0).reference;
    await waitFor(
      async () => {
        await expectHqFigures(gw as GatewayUnderTest, token, exact, startS, startS + 7800);
        return true;
      },
      30_000,
      'the exact figures at HQ',
    );
    revisedBins = await scrape('omo_paths_bins_total', { kind: 'revised' });
    heldTracks = await scrape('omo_paths_held_tracks_total');
    await gw.stop();
    gw = undefined;

    const outbox = new Outbox(outboxOptionsFromConfig(config, dataDir));
    await outbox.start();
    staged = (['footfall', 'zones', 'heatmap'] as const).flatMap((stream) =>
      outbox.peek(stream, 100_000).map((record) => {
        const body = JSON.parse(record.body) as { bin_start: string; revision: number };
        return { stream, sceneS: Date.parse(body.bin_start) / 1000 - startS, revision: body.revision };
      }),
    );
    await outbox.stop();
  }, 600_000);

  afterAll(async () => {
    await gw?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('every bin went to the store exactly max_hold_s after its end, while the track stood', () => {
    // Checkpoints 1 s (event time) past each release edge: 10 more bins per 10 minutes, none early.
    expect(firstBinsAt.map((c) => c.bins)).toEqual(firstBinsAt.map((_, i) => i * 10));
    expect(firstBinsAt.at(-1)).toEqual({ sceneS: STILL_UNTIL + WATERMARK_S - 1, bins: TOUCHED });
    expect(TOUCHED).toBe(110); // two hours less the hold
    expect(heldTracks).toBe(1);
  });

  it('the staff reveal revised exactly the 110 bins the track touched, and HQ reads the exact figures', () => {
    expect(revisedBins).toBe(TOUCHED);
  });

  it('the outbox stages revision 2 of each touched bin, and only there, where its figures changed', () => {
    const revised = (stream: string) =>
      staged.filter((r) => r.stream === stream && r.revision === 2).map((r) => r.sceneS / BIN_S);
    const touched = Array.from({ length: TOUCHED }, (_, k) => k);
    expect(revised('zones')).toEqual(touched); // its occupancy of pavement_centre, every bin
    expect(revised('heatmap')).toEqual(touched); // its person-seconds in one cell, every bin
    expect(revised('footfall')).toEqual([0]); // its crossing of the pavement line, in the first bin
    expect(staged.filter((r) => r.revision > 2)).toEqual([]);
    // Every bin of the scene was staged once as revision 1.
    expect(staged.filter((r) => r.stream === 'zones' && r.revision === 1).length).toBeGreaterThanOrEqual(END / BIN_S);
  });
});
