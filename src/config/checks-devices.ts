/**
 * Cross-field checks of the device list: ids, kinds with a profile (ARCHITECTURE §4), the kind-specific
 * section each device carries, the zones shelves and screens refer to, and camera calibration input.
 */

import { CalibrationError, calibrate } from '../vision/homography.js';
import { type CheckProblem, type ConfigCheck, duplicateIds, showPoint } from './checks-common.js';
import type { DeviceConfig, ZoneConfig } from './schema.js';

/** Device kinds that carry a section of their own name (`kind: camera` ⇒ `camera: {…}`). */
const KIND_SECTIONS = ['camera', 'shelf', 'signage'] as const;

export const uniqueDeviceIds: ConfigCheck = ({ devices }) => duplicateIds(devices, ['devices'], 'device id');

export const deviceKindsHaveProfiles: ConfigCheck = ({ devices }, { knownKinds }) => {
  if (!knownKinds) return [];
  const known = [...knownKinds].sort().join(', ');
  return devices.flatMap((device, i) =>
    knownKinds.includes(device.kind)
      ? []
      : [
          {
            path: ['devices', i, 'kind'],
            reason: `no device profile for kind "${device.kind}" (known: ${known})`,
          },
        ],
  );
};

export const deviceSectionsMatchKind: ConfigCheck = ({ devices }) =>
  devices.flatMap((device, i) =>
    KIND_SECTIONS.flatMap((section): CheckProblem[] => {
      const present = device[section] !== undefined;
      if (device.kind === section && !present)
        return [
          {
            path: ['devices', i],
            reason: `a device of kind "${section}" needs a "${section}" section`,
          },
        ];
      if (device.kind !== section && present)
        return [
          {
            path: ['devices', i, section],
            reason: `only a device of kind "${section}" takes a "${section}" section (this one is "${device.kind}")`,
          },
        ];
      return [];
    }),
  );

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

function zoneReference(
  zones: readonly ZoneConfig[],
  zoneId: string,
  wanted: ZoneConfig['kind'],
  user: string,
): string | undefined {
  const zone = zones.find((z) => z.id === zoneId);
  if (!zone) return `no zone "${zoneId}" in floor.zones (${user} needs a ${wanted} zone)`;
  if (zone.kind !== wanted)
    return `zone "${zoneId}" is ${article(zone.kind)} ${zone.kind} zone; ${user} needs ${article(wanted)} ${wanted} zone`;
  return undefined;
}

export const shelfZonesExist: ConfigCheck = ({ devices, floor }) =>
  devices.flatMap((device, i) => {
    const zone = device.shelf?.zone;
    const reason = zone === undefined ? undefined : zoneReference(floor.zones, zone, 'shelf_front', 'a shelf');
    return reason ? [{ path: ['devices', i, 'shelf', 'zone'], reason }] : [];
  });

export const screenZonesExist: ConfigCheck = ({ devices, floor }) =>
  devices.flatMap((device, i) => {
    const zone = device.signage?.viewing_zone;
    const reason = zone === undefined ? undefined : zoneReference(floor.zones, zone, 'viewing', 'a screen');
    return reason ? [{ path: ['devices', i, 'signage', 'viewing_zone'], reason }] : [];
  });

/** A scale reports weight per lane number; two lanes with one number would be indistinguishable. */
export const shelfLanesUnique: ConfigCheck = ({ devices }) =>
  devices.flatMap((device, i) => {
    const seen = new Map<number, number>();
    return (device.shelf?.lanes ?? []).flatMap((lane, j): CheckProblem[] => {
      const first = seen.get(lane.lane);
      if (first === undefined) {
        seen.set(lane.lane, j);
        return [];
      }
      return [
        {
          path: ['devices', i, 'shelf', 'lanes', j, 'lane'],
          reason: `lane ${lane.lane} is already used by devices[${i}].shelf.lanes[${first}]`,
        },
      ];
    });
  });

/** A plain camera sends pixels: without a calibration or a frame source there is nothing to analyse. */
export const plainCamerasHaveSource: ConfigCheck = ({ devices }) =>
  devices.flatMap((device, i) => {
    const camera = device.camera;
    if (camera?.type !== 'plain' || camera.calibration || camera.snapshot_url || camera.stream_url) return [];
    return [
      {
        path: ['devices', i, 'camera'],
        reason: 'a plain camera needs "calibration", "snapshot_url" or "stream_url"',
      },
    ];
  });

type Pair = readonly [number, number];
const collinear = (a: Pair, b: Pair, c: Pair) =>
  Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 1e-9;

/** Whether some four of the points have no three on one line, as a homography needs. */
function fourInGeneralPosition(points: readonly Pair[]): boolean {
  const n = points.length;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++)
      for (let c = b + 1; c < n; c++) {
        const [pa, pb, pc] = [points[a] as Pair, points[b] as Pair, points[c] as Pair];
        if (collinear(pa, pb, pc)) continue;
        for (let d = c + 1; d < n; d++) {
          const pd = points[d] as Pair;
          if (!collinear(pa, pb, pd) && !collinear(pa, pc, pd) && !collinear(pb, pc, pd)) return true;
        }
      }
  return false;
}

/**
 * A homography is fixed by four point pairs with no three on a line, in the image and on the floor;
 * fewer distinct directions leave it undetermined.
 */
export const calibrationPointsSpread: ConfigCheck = ({ devices }) =>
  devices.flatMap((device: DeviceConfig, i) => {
    const points = device.camera?.calibration?.points;
    return points ? spreadProblems(points).map((p) => ({ ...p, path: ['devices', i, ...p.path] })) : [];
  });

type CalibrationPoints = NonNullable<NonNullable<DeviceConfig['camera']>['calibration']>['points'];

function spreadProblems(points: CalibrationPoints): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const side of ['image', 'floor'] as const) {
    const seen = new Map<string, number>();
    let repeated = false;
    points.forEach((pair, j) => {
      const key = showPoint(pair[side]);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, j);
      else {
        repeated = true;
        problems.push({
          path: ['camera', 'calibration', 'points', j, side],
          reason: `repeats the ${side} point of calibration.points[${first}]`,
        });
      }
    });
    // With a repeated point the spread is reported there, not twice.
    if (!repeated && !fourInGeneralPosition(points.map((p) => p[side])))
      problems.push({
        path: ['camera', 'calibration', 'points'],
        reason: `needs four ${side} points with no three on one line`,
      });
  }
  return problems;
}

const metres = (m: number) => `${Number(m.toPrecision(2))} m`;

/**
 * Issue 3: a calibration whose pairs do not agree with one homography (a mistyped pixel, pairs in the
 * wrong order) would put every person from that camera in the wrong place; refuse it when the mean
 * reprojection error exceeds `max_error_m`. The fit is the vision code's (normalised DLT).
 */
export const calibrationWithinError: ConfigCheck = ({ devices }) =>
  devices.flatMap((device: DeviceConfig, i): CheckProblem[] => {
    const calibration = device.camera?.calibration;
    if (!calibration || spreadProblems(calibration.points).length > 0) return [];
    const path = ['devices', i, 'camera', 'calibration', 'points'];
    try {
      const { meanErrorM, maxErrorM } = calibrate(calibration.points);
      if (meanErrorM <= calibration.max_error_m) return [];
      return [
        {
          path,
          reason: `mean reprojection error ${metres(meanErrorM)} (worst ${metres(maxErrorM)}) is above calibration.max_error_m (${calibration.max_error_m} m): a pair is mistyped or out of order`,
        },
      ];
    } catch (error) {
      if (error instanceof CalibrationError) return [{ path, reason: error.message }];
      throw error;
    }
  });

/**
 * A camera's tracker continues tracks with detections scoring from low_score up to high_score; the other
 * way round that band would be empty and every detection between the two would be silently ignored.
 */
export const trackerScoresOrdered: ConfigCheck = ({ devices }) =>
  devices.flatMap((device, i) => {
    const tracker = device.camera?.tracker;
    if (tracker === undefined || tracker.low_score <= tracker.high_score) return [];
    return [
      {
        path: ['devices', i, 'camera', 'tracker', 'low_score'],
        reason: `low_score (${tracker.low_score}) must not be above high_score (${tracker.high_score})`,
      },
    ];
  });
