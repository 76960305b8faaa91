/**
 * The stores the simulator tests run: the demo store (config/default.yaml) and a small store written
 * here with a different shape — a door in the west wall (so "in" points along +x), no till fixtures
 * (the queue falls back to one line along the queue zone), a chilled shelf, a back room outside every
 * area zone, and two cameras whose coverage overlaps and reaches out of the door.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type GatewayConfig, parseConfig } from '../../src/config/index.js';

const KINDS = ['shelf', 'camera', 'signage'];

export const DEFAULT_YAML = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

export function demoStore(): GatewayConfig {
  return parseConfig(readFileSync(DEFAULT_YAML, 'utf8'), DEFAULT_YAML, { env: {}, knownKinds: KINDS });
}

export const SMALL_STORE_YAML = `
store: { id: small }
gateway: { id: small-gw }
floor:
  bounds: { min: [0, 0], max: [16, 10] }
  zones:
    - { id: hall, kind: area, polygon: [[0, 0], [5, 0], [5, 10], [0, 10]] }
    - { id: produce, kind: area, polygon: [[5, 5], [11, 5], [11, 10], [5, 10]] }
    - { id: promo_corner, name: Promo corner, kind: area, polygon: [[5, 0], [11, 0], [11, 5], [5, 5]] }
    - { id: tills, kind: area, polygon: [[11, 0], [16, 0], [16, 6], [11, 6]] }
    - { id: line_up, kind: queue, polygon: [[12, 1], [15, 1], [15, 3], [12, 3]] }
    - { id: store_room, kind: staff_only, polygon: [[11, 6], [16, 6], [16, 10], [11, 10]] }
    - { id: front_veg, kind: shelf_front, polygon: [[6, 8.4], [10, 8.4], [10, 9.5], [6, 9.5]] }
    - { id: watch_hall, kind: viewing, polygon: [[1, 6], [4, 6], [4, 9], [1, 9]], exit_grace_s: 2 }
  lines:
    - { id: door, from: [0.5, 6], to: [0.5, 3], entrance: true }
  fixtures:
    - { id: veg_shelf, polygon: [[6, 9.6], [10, 9.6], [10, 10], [6, 10]] }
    - { id: promo_table, polygon: [[7, 2], [9, 2], [9, 3], [7, 3]] }
devices:
  - id: cam-a
    kind: camera
    camera: { type: smart, coverage: [[-3, 0], [11.5, 0], [11.5, 10], [-3, 10]] }
  - id: cam-b
    kind: camera
    camera: { type: smart, coverage: [[9, 0], [16, 0], [16, 10], [9, 10]] }
  - id: veg-scale
    kind: shelf
    shelf:
      zone: front_veg
      chilled: true
      lanes:
        - { lane: 0, sku: "2000000000015", unit_grams: 250, capacity: 16 }
        - { lane: 1, sku: "2000000000022", unit_grams: 1000, capacity: 8 }
  - id: hall-screen
    kind: signage
    signage: { viewing_zone: watch_hall }
simulation: { seed: 7, arrivals_per_min: 2, staff: 1 }
`;

export function smallStore(): GatewayConfig {
  return parseConfig(SMALL_STORE_YAML, 'small-store.yaml', { env: {}, knownKinds: KINDS });
}

/** A fixed event-time start, so runs can be compared message by message. */
export const EPOCH = Date.UTC(2026, 2, 2, 9, 0, 0);
