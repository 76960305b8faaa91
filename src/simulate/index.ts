/**
 * The virtual store (ARCHITECTURE §3 `src/simulate/`): a deterministic simulation of shoppers, staff and
 * every device kind, with its ground truth. `StoreSimulation` runs it as a pure generator (tests,
 * `analyze` comparisons, benchmarks); `SimulatorRunner` publishes it over real MQTT (`simulate`, `--demo`).
 */
export { buildFloorPlan, type FloorPlan } from './floor-plan.js';
export type { PersonTruth, VisitTruth } from './ground-truth.js';
export type { GroundTruthTotals } from './ground-truth-tally.js';
export type { SimulatedMessage, SimulatedStream } from './messages.js';
export { Random } from './random.js';
export { runSimulator, SimulatorRunner, type SimulatorRunnerOptions, type SimulatorStats } from './runner.js';
export { DEMO_PLAYLIST, DEMO_PLAYLIST_VERSION } from './signage-screens.js';
export { CAMERA_NOISE_M } from './smart-cameras.js';
export { TICK_MS } from './store-context.js';
export { type SimulationOptions, StoreSimulation } from './store-simulation.js';
