/**
 * The live path-analysis pipeline (ARCHITECTURE §2, §5; issue 3 "Journeys", "Live"): camera track frames
 * from the bus → floor metres (image pixels through the camera's homography) → held until the event-time
 * watermark passes them → journey stitching across cameras → the §5 engines (FloorAnalyzer) → every final
 * bin to `onBin`, and live occupancy per zone to MQTT (retained) and `currentOccupancy()`.
 *
 * Event time throughout: the watermark is the newest reading's `ts` minus `ingest.watermark_s`, frames are
 * processed in `ts` order once it passes them, and bins go out when final or `analysis.max_hold_s` after
 * their end, revised if needed (src/paths/bin-release.ts) — so a replayed day gives the figures of the
 * live day, whatever the arrival timing. The timer only decides how often bins and occupancy go out.
 */
import type { BusEvents, EventBus } from '../../bus.js';
import type { GatewayConfig } from '../../config/schema.js';
import { createLogger } from '../../log.js';
import type { Registry } from '../../metrics.js';
import type { BinData } from '../aggregator.js';
import type { FloorAnalyzer } from '../analyzer.js';
import type { Checkpointer } from '../checkpoint/checkpointer.js';
import type { FloorModel } from '../floor-model.js';
import type { FramePerson } from './journey-stitcher.js';
import type { StitchCounts } from './journey-types.js';
import { LiveCheckpoint } from './live-checkpoint.js';
import { countProgress } from './live-metrics.js';
import { buildRun, type Running } from './live-run.js';
import type { OccupancySnapshot, Publish } from './occupancy.js';

const log = createLogger('omo:paths');
const OWNER = 'paths';

export interface LivePathsOptions {
  config: GatewayConfig;
  bus: EventBus;
  metrics: Registry;
  /** Publishes from the gateway itself (the broker's publish); used for retained occupancy. */
  publish: Publish;
  /**
   * Every bin that goes out, oldest first (the aggregate store writes it): once when final or held
   * `analysis.max_hold_s`, then again, `revised`, each time a track open back then changes its figures.
   */
  onBin(bin: BinData, model: FloorModel): void;
  /** Gateway clock, epoch ms; only paces occupancy messages. */
  now?: () => number;
  /** How often bins are released and occupancy refreshed, ms. Default 1000. */
  tickMs?: number;
  /** Shortest time between two occupancy messages of one zone, ms. Default 1000. */
  occupancyIntervalMs?: number;
  /** Where the state is checkpointed every `analysis.checkpoint_s` and resumed from at start; none: not kept. */
  checkpoint?: Checkpointer;
}

export class LivePaths {
  private running: Running | undefined;
  /** The last run after stop(), so its final counts stay readable until the next start. */
  private stopped: Running | undefined;
  private checkpoint: LiveCheckpoint | undefined;

  constructor(private readonly options: LivePathsOptions) {}

  /** The compiled floor (after start; the last run's after stop). */
  get model(): FloorModel | undefined {
    return (this.running ?? this.stopped)?.model;
  }

  /** The engines: counts of tracks and samples, the heatmap grid (after start; the last run's after stop). */
  get analyzer(): FloorAnalyzer | undefined {
    return (this.running ?? this.stopped)?.analyzer;
  }

  /** Camera tracks, journeys and how tracks were stitched (after start; the last run's after stop). */
  get stitchCounts(): StitchCounts | undefined {
    const run = this.running ?? this.stopped;
    return run === undefined ? undefined : { ...run.stitcher.counts };
  }

  async start(): Promise<void> {
    if (this.running !== undefined) return;
    this.stopped = undefined;
    const { config, bus, metrics, publish, checkpoint } = this.options;
    const now = this.options.now ?? Date.now;
    const occupancyIntervalMs = this.options.occupancyIntervalMs ?? 1000;
    const build = () => buildRun({ config, metrics, publish, now, occupancyIntervalMs });
    let running = build();
    if (checkpoint !== undefined) {
      this.checkpoint = new LiveCheckpoint(checkpoint, config, now);
      try {
        this.checkpoint.restore(running);
      } catch (error) {
        log.warn(`checkpoint ignored: it could not be restored (${(error as Error).message})`);
        running = build();
      }
    }
    running.timer = setInterval(() => this.advance(), this.options.tickMs ?? 1000).unref();
    this.running = running;
    bus.on(OWNER, 'cameraTracks', (event) => this.onTracks(event));
    const { model } = running;
    log.info(
      () => `path analysis live: ${model.zones.length} zones, ${model.lines.length} lines, bins of ${model.binS} s`,
    );
  }

  /**
   * Flushes everything still open (frames, journeys, bins) to onBin, then detaches. A flushed bin whose
   * end lies beyond the watermark is marked `partial`: frames for it may still come (they would not be
   * late), and a gateway restarted on the same data continues it, so the store adds the rest to what is
   * flushed here instead of replacing it (ARCHITECTURE §11). Bins ending at or before the watermark are
   * final: any frame for them would be late.
   */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.options.bus.removeOwner(OWNER);
    clearInterval(running.timer);
    const watermarkTs = running.watermarkTs;
    this.process(running, Number.POSITIVE_INFINITY);
    running.stitcher.finish();
    const flushed = running.analyzer.finish();
    const binMs = running.model.binS * 1000;
    for (const bin of flushed) bin.partial = (bin.index + 1) * binMs > watermarkTs;
    this.deliver(running, flushed);
    this.countProgress(running);
    running.occupancy.clear();
    this.running = undefined;
    this.stopped = running;
    // Everything went to onBin (partial bins merge in the store): nothing is left for a restart.
    await this.checkpoint?.stopped();
  }

  /**
   * Event time (epoch ms, a bin edge) up to which bins have gone out to onBin: every bin ending at or
   * before it is in the store — final, or revisable for a while if a track that touched it was still
   * open (§5 "Final figures on time") — and no bin after it is. Undefined before the first bin went out
   * and when not running. HQ reports it as `final_until` and leaves later bins out.
   */
  finalUntil(): number | undefined {
    const releasedUntil = this.running?.analyzer.release.releasedUntil;
    return releasedUntil === undefined || !Number.isFinite(releasedUntil) ? undefined : releasedUntil * 1000;
  }

  /** Occupancy per zone at the watermark (dashboard, HQ API); all zeros with ts null before any frame. */
  currentOccupancy(): OccupancySnapshot {
    const running = this.running;
    if (running === undefined) return { ts: null, zones: [] };
    return running.occupancy.current();
  }

  /** Releases the bins that are final and refreshes occupancy; the timer calls it, tests may too. */
  advance(): void {
    const running = this.running;
    if (running === undefined || !Number.isFinite(running.watermarkTs)) return;
    const watermarkS = running.watermarkTs / 1000;
    // Samples held by undecided tracks still have to reach the engines: no bin closes before them.
    this.deliver(running, running.analyzer.advance(Math.min(watermarkS, running.stitcher.horizon())));
    running.occupancy.update(running.analyzer.currentOccupancy(watermarkS), Math.round(running.watermarkTs));
    this.countProgress(running);
  }

  private onTracks(event: BusEvents['cameraTracks']): void {
    const running = this.running;
    if (running === undefined) return;
    const people: readonly FramePerson[] | { problem: string } =
      event.space === 'image' ? running.cameras.toFloor(event.deviceId, event.people) : event.people;
    if ('problem' in people) {
      running.metrics.dropped.inc({ reason: 'no_calibration' });
      this.warnOnce(running, event.deviceId, `image-space tracks dropped: ${people.problem}`);
      return;
    }
    if (!running.queue.push({ camera: event.deviceId, ts: event.ts, people })) {
      running.metrics.dropped.inc({ reason: 'late' });
      log.debug(() => `late frame from ${event.deviceId} at ${event.ts} (watermark ${running.watermarkTs})`);
      return;
    }
    running.metrics.frames.inc({ space: event.space });
    this.checkpoint?.frameTaken(running, event.ts);
    if (event.ts > running.newestTs) running.newestTs = event.ts;
    this.process(running, running.newestTs - this.options.config.ingest.watermark_s * 1000);
    this.checkpoint?.saveIfDue(running);
  }

  /** Hands every queued frame up to `watermarkTs` (epoch ms) to the stitcher, in event-time order. */
  private process(running: Running, watermarkTs: number): void {
    for (const frame of running.queue.release(watermarkTs)) {
      running.stitcher.frame(frame.camera, frame.ts / 1000, frame.people);
    }
    if (watermarkTs > running.watermarkTs && Number.isFinite(watermarkTs)) running.watermarkTs = watermarkTs;
  }

  private deliver(running: Running, bins: readonly BinData[]): void {
    for (const bin of bins) {
      running.metrics.bins.inc({ kind: bin.revised ? 'revised' : 'first' });
      try {
        this.options.onBin(bin, running.model);
      } catch (error) {
        running.metrics.binFailures.inc();
        log.error(`bin ${bin.index} (bin_s ${running.model.binS}) could not be stored: ${String(error)}`);
      }
    }
  }

  private countProgress(running: Running): void {
    const { stitcher, analyzer } = running;
    running.counted = countProgress(running.metrics, running.counted, {
      ...stitcher.counts,
      ...analyzer.release.counts,
      activeJourneys: stitcher.activeJourneys(),
      revisableBins: analyzer.release.revisableBins,
    });
  }

  private warnOnce(running: Running, camera: string, message: string): void {
    if (running.warned.has(camera)) return;
    running.warned.add(camera);
    log.warn(message);
  }
}
