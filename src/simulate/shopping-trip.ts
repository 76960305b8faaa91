/**
 * What a shopping group means to do when it walks in: a few stops, each with how long it stays.
 * Dwell times are log-normal (most stops are short, a few are long), longest at the promotion table.
 * Stops are visited nearest-first from the door, which is how people work through a small store.
 */
import type { FloorPlan, PlanZone, ShelfPlan } from './floor-plan.js';
import { centroid, distance, type Vec } from './geometry.js';
import type { Random } from './random.js';

export type Stop =
  | { kind: 'browse' | 'promotion' | 'screen'; zone: PlanZone; dwellS: number }
  | { kind: 'shelf'; zone: PlanZone; dwellS: number; shelf: ShelfPlan };

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export function planTrip(plan: FloorPlan, random: Random, door: Vec): Stop[] {
  const stops: Stop[] = [];
  if (plan.promotion !== undefined && random.chance(0.45)) {
    stops.push({ kind: 'promotion', zone: plan.promotion, dwellS: clamp(random.logNormal(60, 2), 15, 300) });
  }
  for (const shelf of plan.shelves) {
    if (shelf.front !== undefined && random.chance(0.35)) {
      stops.push({ kind: 'shelf', zone: shelf.front, shelf, dwellS: clamp(random.logNormal(25, 1.6), 8, 120) });
    }
  }
  for (const screen of plan.screens) {
    if (random.chance(0.25)) stops.push({ kind: 'screen', zone: screen.viewing, dwellS: random.uniform(8, 40) });
  }
  // Browsing: the other sales areas (not the entrance, which everyone crosses anyway, nor the promotion).
  const browsable = plan.areas.filter((zone) => zone !== plan.entranceZone && zone !== plan.promotion);
  const browses = Math.min(browsable.length, random.int(stops.length === 0 ? 1 : 0, 3));
  for (const zone of random.shuffle(browsable).slice(0, browses)) {
    stops.push({ kind: 'browse', zone, dwellS: clamp(random.logNormal(20, 2), 4, 180) });
  }
  return nearestFirst(stops, door);
}

function nearestFirst(stops: Stop[], from: Vec): Stop[] {
  const left = [...stops];
  const ordered: Stop[] = [];
  let at = from;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (
        distance(at, centroid((left[i] as Stop).zone.polygon)) <
        distance(at, centroid((left[best] as Stop).zone.polygon))
      ) {
        best = i;
      }
    }
    const [next] = left.splice(best, 1) as [Stop];
    ordered.push(next);
    at = centroid(next.zone.polygon);
  }
  return ordered;
}

/** Companions per group: most people shop alone, some in twos, few in threes or fours. */
export function groupSize(random: Random): number {
  return random.weighted([
    { item: 1, weight: 0.55 },
    { item: 2, weight: 0.3 },
    { item: 3, weight: 0.1 },
    { item: 4, weight: 0.05 },
  ]);
}

/** How many of one product a shopper takes. */
export function pickCount(random: Random): number {
  return random.weighted([
    { item: 1, weight: 0.7 },
    { item: 2, weight: 0.22 },
    { item: 3, weight: 0.08 },
  ]);
}
