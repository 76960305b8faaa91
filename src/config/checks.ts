/**
 * Named cross-field checks: the rules one key's schema cannot express because they relate keys to each
 * other (unique ids, references between sections, geometry, ports). One small function per rule, each
 * returning problems that name the offending key and value (the style of Frigate's
 * `verify_required_zones_exist()`). They run only on a config that passed the schema, so they may trust
 * every type and bound. The rules themselves live in checks-floor.ts, checks-devices.ts and
 * checks-services.ts and checks-gpio.ts; this file is the list of them and the runner.
 */

import {
  cameraCredentialsUsable,
  cameraHasOneSource,
  cameraRetryOrdered,
  streamFileExists,
} from './checks-camera-source.js';
import type { CheckContext, CheckProblem, ConfigCheck } from './checks-common.js';
import {
  calibrationPointsSpread,
  calibrationWithinError,
  deviceKindsHaveProfiles,
  deviceSectionsMatchKind,
  plainCamerasHaveSource,
  screenZonesExist,
  shelfLanesUnique,
  shelfZonesExist,
  trackerScoresOrdered,
  uniqueDeviceIds,
} from './checks-devices.js';
import {
  areaZonesDoNotOverlap,
  boundsOrdered,
  floorShapesInsideBounds,
  linesHaveLength,
  polygonsAreSimple,
  uniqueFixtureIds,
  uniqueLineIds,
  uniqueZoneIds,
} from './checks-floor.js';
import { doorLinesExist, gpioIdsUnique, gpioPinsDistinct } from './checks-gpio.js';
import {
  clientCertificatesPaired,
  filesExist,
  listenerPortsDistinct,
  packetLimitHoldsPayloads,
  reconnectDelaysOrdered,
  retentionOrdered,
  uplinkPasswordNeedsUsername,
} from './checks-services.js';
import type { GatewayConfig } from './schema.js';

export type {
  CheckContext,
  CheckProblem,
  ConfigCheck,
} from './checks-common.js';

/** Every cross-field rule, by name, in the order they run. */
export const CONFIG_CHECKS: Readonly<Record<string, ConfigCheck>> = {
  boundsOrdered,
  uniqueZoneIds,
  uniqueLineIds,
  uniqueFixtureIds,
  polygonsAreSimple,
  floorShapesInsideBounds,
  linesHaveLength,
  areaZonesDoNotOverlap,
  uniqueDeviceIds,
  deviceKindsHaveProfiles,
  deviceSectionsMatchKind,
  shelfZonesExist,
  screenZonesExist,
  shelfLanesUnique,
  plainCamerasHaveSource,
  cameraHasOneSource,
  cameraCredentialsUsable,
  cameraRetryOrdered,
  streamFileExists,
  calibrationPointsSpread,
  calibrationWithinError,
  trackerScoresOrdered,
  listenerPortsDistinct,
  packetLimitHoldsPayloads,
  reconnectDelaysOrdered,
  retentionOrdered,
  uplinkPasswordNeedsUsername,
  clientCertificatesPaired,
  filesExist,
  gpioPinsDistinct,
  gpioIdsUnique,
  doorLinesExist,
};

/** Runs every check; each problem is tagged with the check that found it. */
export function runChecks(config: GatewayConfig, context: CheckContext): (CheckProblem & { check: string })[] {
  return Object.entries(CONFIG_CHECKS).flatMap(([check, run]) =>
    run(config, context).map((problem) => ({ ...problem, check })),
  );
}
