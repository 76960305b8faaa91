/**
 * The paths part: camera tracks → journeys stitched across cameras → the §5 engines; every bin that goes
 * out — final, held at most `analysis.max_hold_s`, or revised (a replacement the store writes over the
 * bin, staging a new uplink revision) — is written to the aggregate store (and staged for the uplink); what
 * is not out yet is checkpointed to <data-dir>/paths-checkpoint.bin for a restart (issue 8); live
 * occupancy is published retained on `omo/gateway/occupancy/<zone>`; HQ reads the figures through the
 * routes added here.
 */
import { join } from 'node:path';
import { pathBinRecordFromBinData } from '../aggregate/records.js';
import { hqRoutes } from '../http/routes/hq-routes.js';
import { occupancyRoutes } from '../http/routes/occupancy.js';
import type { PartFactory } from '../part.js';
import { CheckpointFile } from './checkpoint/checkpoint-file.js';
import { Checkpointer } from './checkpoint/checkpointer.js';
import { LivePaths } from './live/live-paths.js';

export const pathsPart: PartFactory = ({
  config,
  dataDir,
  bus,
  metrics,
  clock,
  db,
  publish,
  logger,
  need,
  addRoutes,
}) => {
  const log = logger('omo:paths');
  const aggregates = need('aggregates');
  const now = () => clock.now();
  const paths = new LivePaths({
    config,
    bus,
    metrics,
    now,
    publish,
    // Issue 8: bins not out yet and open journeys survive a crash (src/paths/checkpoint/).
    checkpoint: new Checkpointer({
      file: new CheckpointFile(join(dataDir, 'paths-checkpoint.bin')),
      intervalS: config.analysis.checkpoint_s,
      metrics,
      now,
    }),
    onBin: (bin, model) => {
      try {
        aggregates.writeBin(pathBinRecordFromBinData(model, bin));
      } catch (error) {
        // A bin the store refuses (e.g. older than retention) is logged and counted there; the live
        // analysis goes on with the next one.
        log.error(`bin not stored: ${(error as Error).message}`);
      }
    },
  });
  addRoutes(occupancyRoutes(paths));
  const hq = {
    aggregates,
    config,
    database: db.name,
    metrics,
    now: () => clock.now(),
    finalUntil: () => paths.finalUntil(),
  };
  for (const routes of hqRoutes(hq)) addRoutes(routes);
  return {
    name: 'paths',
    start: () => paths.start(),
    // Stopped after the broker (reverse order), so its last flush still lands in the store.
    stop: () => paths.stop(),
    health() {
      // How far figures trail the clock: with someone held it is up to max_hold_s, plus the watermark.
      const finalUntil = paths.finalUntil();
      return {
        status: 'ok',
        final_until: finalUntil === undefined ? null : new Date(finalUntil).toISOString(),
        final_lag_s: finalUntil === undefined ? null : Math.round((clock.now() - finalUntil) / 1000),
      };
    },
  };
};
