/**
 * An hour of the demo store (config/default.yaml, its seed) as camera frames, and the figures a run of
 * the live path makes of it — for the checkpoint tests, which compare an hour cut by crashes with the
 * same hour run straight through.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { profileKinds } from '../../../devices/index.js';
import { type GatewayConfig, parseConfig } from '../../../src/config/index.js';
import type { BinData } from '../../../src/paths/aggregator.js';
import { StoreSimulation } from '../../../src/simulate/index.js';
import type { Frame } from '../live/zara01-views.js';

const DEMO = fileURLToPath(new URL('../../../config/default.yaml', import.meta.url));

/** The demo config with `analysis` keys replaced. */
export function demoConfig(analysis: Partial<GatewayConfig['analysis']> = {}): GatewayConfig {
  const config = parseConfig(readFileSync(DEMO, 'utf8'), DEMO, { env: {}, knownKinds: profileKinds });
  return { ...config, analysis: { ...config.analysis, ...analysis } };
}

/** Camera frames of `durationS` of the demo store from `epochMs`, every `stride`th tick (5 Hz / stride). */
export function demoFrames(config: GatewayConfig, epochMs: number, durationS = 3600, stride = 1): Frame[] {
  const simulation = new StoreSimulation(config, { epochMs, durationS, cameraStride: () => stride });
  const frames: Frame[] = [];
  for (const message of simulation.messages()) if (message.stream === 'tracks') frames.push(message.event);
  return frames;
}

export interface Totals {
  in: number;
  out: number;
  /** Zone visits of every zone. */
  visits: number;
  storeVisits: number;
}

/** Totals over the bins as a store keeps them: the last version of each bin. */
export function totalsOf(config: GatewayConfig, bins: Iterable<BinData>): Totals {
  const entrance = config.floor.lines.flatMap((line, index) => (line.entrance ? [index] : []));
  const totals: Totals = { in: 0, out: 0, visits: 0, storeVisits: 0 };
  for (const bin of bins) {
    for (const line of entrance) {
      totals.in += bin.lineIn[line] ?? 0;
      totals.out += bin.lineOut[line] ?? 0;
    }
    for (const list of bin.dwells) totals.visits += list?.length ?? 0;
    totals.storeVisits += bin.storeVisits.length;
  }
  return totals;
}

/** Running in − out over the bins in time order, at its lowest. */
export function lowestOccupancy(config: GatewayConfig, bins: Iterable<BinData>): number {
  const entrance = config.floor.lines.flatMap((line, index) => (line.entrance ? [index] : []));
  let inside = 0;
  let lowest = 0;
  for (const bin of [...bins].sort((a, b) => a.index - b.index)) {
    for (const line of entrance) inside += (bin.lineIn[line] ?? 0) - (bin.lineOut[line] ?? 0);
    lowest = Math.min(lowest, inside);
  }
  return lowest;
}
