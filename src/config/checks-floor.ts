/**
 * Cross-field checks of the floor plan: ids, polygon shapes, the floor bounds, and the rule that `area`
 * zones do not overlap (ARCHITECTURE §5: a path is a sequence of area zones, so a point must be in at
 * most one of them).
 */
import { type CheckProblem, type ConfigCheck, duplicateIds, showPoint } from './checks-common.js';
import { overlapArea, type Point, type ShapeFault, shapeFault } from './polygons.js';
import type { ConfigPath } from './problems.js';
import type { GatewayConfig } from './schema.js';

// Below a square millimetre an "overlap" is rounding, not a drawing mistake.
const MIN_OVERLAP_M2 = 1e-6;

export const boundsOrdered: ConfigCheck = ({ floor }) => {
  const { min, max } = floor.bounds;
  if (max[0] > min[0] && max[1] > min[1]) return [];
  return [
    {
      path: ['floor', 'bounds', 'max'],
      reason: `must be greater than floor.bounds.min ${showPoint(min)} in x and in y`,
    },
  ];
};

export const uniqueZoneIds: ConfigCheck = ({ floor }) => duplicateIds(floor.zones, ['floor', 'zones'], 'zone id');
export const uniqueLineIds: ConfigCheck = ({ floor }) => duplicateIds(floor.lines, ['floor', 'lines'], 'line id');
export const uniqueFixtureIds: ConfigCheck = ({ floor }) =>
  duplicateIds(floor.fixtures, ['floor', 'fixtures'], 'fixture id');

interface Outline {
  path: ConfigPath;
  points: readonly Point[];
  noun: string;
}

/** Every polygon in the config: zones, fixtures and camera coverages. */
function outlines(config: GatewayConfig): Outline[] {
  const found: Outline[] = [];
  config.floor.zones.forEach((zone, i) => {
    found.push({
      path: ['floor', 'zones', i, 'polygon'],
      points: zone.polygon,
      noun: `zone "${zone.id}"`,
    });
  });
  config.floor.fixtures.forEach((fixture, i) => {
    found.push({
      path: ['floor', 'fixtures', i, 'polygon'],
      points: fixture.polygon,
      noun: `fixture "${fixture.id}"`,
    });
  });
  config.devices.forEach((device, i) => {
    const coverage = device.camera?.coverage;
    if (coverage)
      found.push({
        path: ['devices', i, 'camera', 'coverage'],
        points: coverage,
        noun: `camera "${device.id}" coverage`,
      });
  });
  return found;
}

function describeFault(fault: ShapeFault, points: readonly Point[]): string {
  const corner = (i: number) => showPoint(points[i % points.length] as Point);
  switch (fault.kind) {
    case 'repeated_corner':
      return `corner ${fault.index + 1} ${corner(fault.index)} repeats the corner before it`;
    case 'edges_cross':
      return `edge ${corner(fault.first)}→${corner(fault.first + 1)} crosses or touches edge ${corner(fault.second)}→${corner(fault.second + 1)}; an outline must not cross itself`;
    case 'no_area':
      return 'encloses no area (all corners lie on one line)';
  }
}

export const polygonsAreSimple: ConfigCheck = (config) =>
  outlines(config).flatMap(({ path, points }) => {
    const fault = shapeFault(points);
    return fault ? [{ path, reason: describeFault(fault, points) }] : [];
  });

const inside = (p: readonly number[], min: Point, max: Point) =>
  (p[0] as number) >= min[0] && (p[0] as number) <= max[0] && (p[1] as number) >= min[1] && (p[1] as number) <= max[1];

/** Zones, fixtures and lines within floor.bounds: outside it there is no heatmap and no floor. */
export const floorShapesInsideBounds: ConfigCheck = ({ floor }) => {
  const { min, max } = floor.bounds;
  const reason = `lies outside floor.bounds (${showPoint(min)} to ${showPoint(max)})`;
  const problems: CheckProblem[] = [];
  const firstOutside = (base: ConfigPath, points: readonly (readonly number[])[]) => {
    const index = points.findIndex((p) => !inside(p, min, max));
    if (index >= 0) problems.push({ path: [...base, index], reason });
  };
  floor.zones.forEach((zone, i) => {
    firstOutside(['floor', 'zones', i, 'polygon'], zone.polygon);
  });
  floor.fixtures.forEach((fixture, i) => {
    firstOutside(['floor', 'fixtures', i, 'polygon'], fixture.polygon);
  });
  floor.lines.forEach((line, i) => {
    if (!inside(line.from, min, max)) problems.push({ path: ['floor', 'lines', i, 'from'], reason });
    else if (!inside(line.to, min, max)) problems.push({ path: ['floor', 'lines', i, 'to'], reason });
  });
  return problems;
};

export const linesHaveLength: ConfigCheck = ({ floor }) =>
  floor.lines.flatMap((line, i) =>
    line.from[0] === line.to[0] && line.from[1] === line.to[1]
      ? [
          {
            path: ['floor', 'lines', i, 'to'],
            reason: `equals "from": line "${line.id}" has no length`,
          },
        ]
      : [],
  );

const showArea = (m2: number) => `${m2 >= 0.01 ? Number(m2.toFixed(2)) : Number(m2.toPrecision(2))} m²`;

export const areaZonesDoNotOverlap: ConfigCheck = ({ floor }) => {
  // Only simple polygons can be measured; polygonsAreSimple reports the others.
  const areas = floor.zones
    .map((zone, index) => ({ zone, index }))
    .filter(({ zone }) => zone.kind === 'area' && shapeFault(zone.polygon) === undefined);
  const problems: CheckProblem[] = [];
  areas.forEach((later, j) => {
    for (const earlier of areas.slice(0, j)) {
      const shared = overlapArea(earlier.zone.polygon, later.zone.polygon);
      if (shared <= MIN_OVERLAP_M2) continue;
      problems.push({
        path: ['floor', 'zones', later.index, 'polygon'],
        reason: `area zone "${later.zone.id}" overlaps area zone "${earlier.zone.id}" (floor.zones[${earlier.index}]) by ${showArea(shared)}; area zones may touch but not overlap`,
      });
    }
  });
  return problems;
};
