/**
 * The paths part: camera tracks → journeys stitched across cameras → the §5 engines; every bin that goes
 * out — final, held at most `analysis.max_hold_s`, or revised (a replacement the store writes over the
 * bin, staging a new uplink revision) — is written to the aggregate store (and staged for the uplink), live occupancy is published retained on
 * `omo/gateway/occupancy/<zone>`, and HQ reads the figures through the routes added here.
 */
import { pathBinRecordFromBinData } from '../aggregate/records.js';
import { hqRoutes } from '../http/routes/hq-routes.js';
import { occupancyRoutes } from '../http/routes/occupancy.js';
import type { PartFactory } from '../part.js';
import { LivePaths } from './live/live-paths.js';

export const pathsPart: PartFactory = ({ config, bus, metrics, clock, publish, logger, need, addRoutes }) => {
  const log = logger('omo:paths');
  const aggregates = need('aggregates');
  const paths = new LivePaths({
    config,
    bus,
    metrics,
    now: () => clock.now(),
    publish,
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
  const hq = { aggregates, config, now: () => clock.now(), finalUntil: () => paths.finalUntil() };
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
