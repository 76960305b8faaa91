/**
 * The live path's side of the checkpoint (issue 8 "A crash loses seconds, not bins"; the state and the
 * file are src/paths/checkpoint/): restore at start, bridge the gap at the first frame after it, save
 * when due. Decisions where the issue is silent:
 *   - a checkpoint of another floor or bin_s is ignored with a warning (its zone, line and cell indices
 *     mean other things);
 *   - one older than `analysis.max_hold_s` (wall time) keeps its bins — real figures, the store decides
 *     whether they are too old — but its journeys end at once at their last sample: after that long, the
 *     cameras' track ids no longer say who is who;
 *   - a checkpoint that cannot be put back is ignored with a warning and the run starts fresh.
 */
import type { GatewayConfig } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import { bridgeGap } from '../checkpoint/bridge.js';
import type { Checkpointer } from '../checkpoint/checkpointer.js';
import { captureState, floorFingerprint, restoreState } from '../checkpoint/live-state.js';
import { NO_PROGRESS } from './live-metrics.js';
import type { Running } from './live-run.js';

const log = createLogger('omo:paths');

export class LiveCheckpoint {
  private readonly floor: string;

  constructor(
    private readonly checkpointer: Checkpointer,
    private readonly config: GatewayConfig,
    private readonly now: () => number,
  ) {
    this.floor = floorFingerprint(config);
  }

  /** Puts the checkpoint into a fresh run; false when there was none or it could not be used. */
  restore(run: Running): boolean {
    const loaded = this.checkpointer.load();
    if (loaded === undefined) return false;
    const { state, savedAt } = loaded;
    if (state.floor !== this.floor) {
      log.warn('checkpoint ignored: it was taken with another floor plan or analysis.bin_s');
      return false;
    }
    const ageS = Math.round((this.now() - savedAt) / 1000);
    const maxHoldS = this.config.analysis.max_hold_s;
    const continueJourneys = ageS <= maxHoldS;
    if (!continueJourneys)
      log.info(
        `checkpoint is ${ageS} s old (analysis.max_hold_s ${maxHoldS}): its open journeys end at their last sample`,
      );
    const resumed = restoreState(run, state, continueJourneys);
    run.resumed = continueJourneys ? resumed : undefined;
    run.counted = { ...NO_PROGRESS, journeys: state.journeysSoFar };
    log.info(
      `resumed from the checkpoint of ${new Date(savedAt).toISOString()}: ${state.bins.length} bins not out yet, ` +
        `${state.journeys.length} open journeys, watermark ${new Date(state.watermarkTs).toISOString()}`,
    );
    return true;
  }

  /** A frame at `ts` (epoch ms) was taken: the first one after a restore bridges the time the gateway was down. */
  frameTaken(run: Running, ts: number): void {
    if (run.resumed === undefined) return;
    // Taken as last seen half the journeys' gap limit before the first new frame: still open, not yet stale.
    bridgeGap(run.resumed, ts / 1000, this.config.analysis.journeys.max_gap_s / 2);
    run.resumed = undefined;
  }

  /** Saves the state when a checkpoint is due at the run's watermark. */
  saveIfDue(run: Running): void {
    if (!Number.isFinite(run.watermarkTs) || !this.checkpointer.due(run.watermarkTs)) return;
    let state: ReturnType<typeof captureState>;
    try {
      state = captureState(run, this.floor);
    } catch (error) {
      // A state that cannot be taken must not stop the analysis; the last good checkpoint stays.
      this.checkpointer.failed(run.watermarkTs, error as Error);
      return;
    }
    this.checkpointer.save(run.watermarkTs, state);
  }

  /** A clean stop handed every bin on: nothing is left to restore. */
  async stopped(): Promise<void> {
    await this.checkpointer.clear();
  }
}
