/**
 * Runs the virtual store against a real MQTT broker: one connection per simulated device, messages
 * published when their event time comes round on a catch-up clock (catch-up-clock.ts): `speed` × real
 * time from a start in the past until it meets the wall clock, then 1×. Used by `omo-edge simulate`, by
 * `start --demo`, by the integration tests and the benchmarks. Nothing happens in the constructor;
 * start() connects and starts publishing, stop() says goodbye (`offline`) and disconnects.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceProfile } from '../ingest/profile.js';
import { createLogger } from '../log.js';
import { CatchUpClock } from './catch-up-clock.js';
import { DeviceLink } from './device-link.js';
import { cameraStride, DEFAULT_HISTORY_S } from './fast-forward.js';
import type { GroundTruthTotals } from './ground-truth-tally.js';
import type { SimulatedMessage } from './messages.js';
import { StoreSimulation } from './store-simulation.js';

const log = createLogger('omo:simulate');
/** Messages published per wake-up before yielding to the event loop. */
const BATCH = 2000;
/**
 * Store time published per wake-up, ms. A runner that fell behind (a busy CPU, a fast-forward) would
 * otherwise write seconds of every camera at once; the gateway reads one connection after another, so
 * it would see one camera's frames seconds ahead of another's and drop the other's as late (they are
 * behind the newest frame by more than `ingest.watermark_s`, 5 s). One second at a time, with the event
 * loop reading sockets in between, keeps the cameras within a second of each other.
 */
const SLICE_MS = 1000;

export interface SimulatorRunnerOptions {
  config: GatewayConfig;
  /** mqtt://host:port (or ws://, mqtts://) of the gateway's broker. */
  url: string;
  /** Password of every simulated device, by device id. */
  credentials: ReadonlyMap<string, string>;
  profiles: ReadonlyMap<string, DeviceProfile>;
  /** Default: config.simulation.seed. */
  seed?: number;
  /** Simulated seconds per real second until the store has caught up with the clock; default config.simulation.speed. */
  speed?: number;
  /** Simulated seconds to run; without it the store runs until stop(). */
  durationS?: number;
  /** Shopper groups that come in, in all; arrivals stop after them. */
  shoppers?: number;
  /** Default: config.simulation.arrivals_per_min. */
  arrivalsPerMin?: number;
  /** Event time of the start, epoch ms. Default: `historyS` before now. */
  epochMs?: number;
  /**
   * How far back the store starts when `epochMs` is not given, seconds; only a speed above 1 ever catches
   * up. Default at a speed above 1: with `durationS`, durationS·(1 − 1/speed), so the run ends just as
   * it catches up with the clock; without, an hour (fast-forward.ts). At 1× or slower: 0.
   */
  historyS?: number;
  /**
   * The broker's per-device publish limit (`broker.limits.publish_rate_per_s`): while fast-forwarding,
   * smart cameras send fewer frames to stay under it (fast-forward.ts). Default: no limit.
   */
  publishRatePerS?: number;
  connectTimeoutMs?: number;
  /**
   * Plain cameras that publish frames send this clip (plain-cameras.ts) while the store runs at 1×;
   * default the shipped vtest clip, `false` for no frames.
   */
  clipDir?: string | false;
}

export interface SimulatorStats {
  /** Messages published, by stream (status, tracks, frame, weight, temp, play). */
  published: Record<string, number>;
  /** Messages not sent because the device was disconnected at the time. */
  dropped: number;
  /** Refusals the gateway replied on the devices' error topics; a healthy demo has none. */
  errors: number;
  errorsByReason: Record<string, number>;
  devices: number;
  connected: number;
  /** Event time the simulation has reached. */
  simulatedTime: string;
  /** How far event time is behind the wall clock, seconds (0 once caught up). */
  behindS: number;
  /** Wall seconds until the store has caught up with the clock; 0 once it has, null if it never will. */
  catchUpEtaS: number | null;
  running: boolean;
}

export class SimulatorRunner {
  private readonly links = new Map<string, DeviceLink>();
  private readonly published: Record<string, number> = {};
  private readonly errorsByReason: Record<string, number> = {};
  private simulation: StoreSimulation | undefined;
  private clock: CatchUpClock | undefined;
  private wallNow: () => number = Date.now;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dropped = 0;
  private errors = 0;
  private settle: (() => void) | undefined;
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly options: SimulatorRunnerOptions) {}

  async start(): Promise<void> {
    if (this.running) throw new Error('the simulator is already running');
    const options = this.options;
    const config = options.config;
    const speed = options.speed ?? config.simulation.speed;
    if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
    const wallStart = Date.now();
    const clock = new CatchUpClock(
      Math.round(options.epochMs ?? wallStart - this.historyS(speed) * 1000),
      speed,
      wallStart,
    );
    const rate = options.publishRatePerS;
    const strides = rate === undefined ? undefined : { fast: cameraStride(speed, rate), live: cameraStride(1, rate) };
    const simulation = new StoreSimulation(config, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.arrivalsPerMin === undefined ? {} : { arrivalsPerMin: options.arrivalsPerMin }),
      ...(options.durationS === undefined ? {} : { durationS: options.durationS }),
      ...(options.shoppers === undefined ? {} : { shoppers: options.shoppers }),
      ...(strides === undefined
        ? {}
        : { cameraStride: (atMs: number) => (clock.speedAt(atMs) === 1 ? strides.live : strides.fast) }),
      ...(options.clipDir === false
        ? {}
        : {
            plainCameras: {
              liveAt: (atMs: number) => clock.speedAt(atMs) === 1,
              ...(options.clipDir === undefined ? {} : { clipDir: options.clipDir }),
            },
          }),
      drain: options.durationS === undefined && options.shoppers !== undefined,
      epochMs: clock.startMs,
    });
    this.simulation = simulation;
    await this.connectAll(simulation);
    this.running = true;
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
    });
    const catchUp = Number.isFinite(clock.caughtUpAt)
      ? `, catching up with the clock at ${new Date(clock.caughtUpAt).toISOString()}`
      : '';
    log.info(
      `simulating ${this.links.size} devices at ${speed}x from ${new Date(clock.startMs).toISOString()}${catchUp}`,
    );
    const messages = simulation.messages();
    let next = messages.next();
    // Elapsed time from the monotonic clock, so a wall-clock step cannot make the store jump. It counts
    // from now, after connecting: event time then trails the real clock by the connect time, never leads.
    const t0 = performance.now();
    this.clock = clock;
    this.wallNow = () => wallStart + (performance.now() - t0);
    const pump = (): void => {
      this.timer = undefined;
      if (!this.running) return;
      const upTo = next.done ? 0 : Math.min(clock.eventAt(this.wallNow()), next.value.at + SLICE_MS);
      for (let batch = 0; batch < BATCH && !next.done && next.value.at <= upTo; batch++) {
        this.send(next.value);
        next = messages.next();
      }
      if (next.done) {
        // The stream ended with every device's offline status, already published.
        void this.shutdown(false);
        return;
      }
      this.timer = setTimeout(pump, Math.max(0, clock.wallAt(next.value.at) - this.wallNow()));
    };
    pump();
  }

  /** Resolves when the run has ended, by its duration or by stop(). */
  done(): Promise<void> {
    return this.finished;
  }

  async stop(): Promise<void> {
    await this.shutdown(true);
  }

  stats(): SimulatorStats {
    const progress = this.clock?.progress(this.wallNow());
    return {
      published: { ...this.published },
      dropped: this.dropped,
      errors: this.errors,
      errorsByReason: { ...this.errorsByReason },
      devices: this.links.size,
      connected: [...this.links.values()].filter((link) => link.connected).length,
      simulatedTime: new Date(this.simulation?.currentTime ?? 0).toISOString(),
      behindS: Math.round((progress?.behindMs ?? 0) / 1000),
      catchUpEtaS: progress === undefined || progress.etaMs === null ? null : Math.ceil(progress.etaMs / 1000),
      running: this.running,
    };
  }

  groundTruth(): GroundTruthTotals {
    return this.sim().groundTruth();
  }

  async writeGroundTruth(path: string): Promise<void> {
    await this.sim().writeGroundTruth(path);
  }

  private async connectAll(simulation: StoreSimulation): Promise<void> {
    const { config, credentials, profiles, url } = this.options;
    const links: DeviceLink[] = [];
    for (const [index, device] of config.devices.entries()) {
      const profile = profiles.get(device.kind);
      if (profile === undefined) throw new Error(`devices[${index}].kind: no device profile for kind "${device.kind}"`);
      const password = credentials.get(device.id);
      if (password === undefined)
        throw new Error(`devices[${index}].id: no credentials for simulated device "${device.id}"`);
      const link = new DeviceLink({
        url,
        deviceId: device.id,
        profile,
        password,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
        now: () => simulation.currentTime,
        onError: (reason, detail) => this.refused(device.id, reason, detail),
      });
      this.links.set(device.id, link);
      links.push(link);
    }
    const results = await Promise.allSettled(links.map((link) => link.open()));
    const failed = results.findIndex((result) => result.status === 'rejected');
    if (failed >= 0) {
      await Promise.allSettled(links.map((link) => link.close(false)));
      this.links.clear();
      const reason = (results[failed] as PromiseRejectedResult).reason as Error;
      throw new Error(
        `simulated device "${config.devices[failed]?.id}" could not connect to ${url}: ${reason.message}`,
      );
    }
  }

  private send(message: SimulatedMessage): void {
    const link = this.links.get(message.deviceId);
    if (link?.publish(message)) {
      this.published[message.stream] = (this.published[message.stream] ?? 0) + 1;
    } else {
      this.dropped++;
    }
  }

  private refused(deviceId: string, reason: string, detail: string): void {
    this.errors++;
    this.errorsByReason[reason] = (this.errorsByReason[reason] ?? 0) + 1;
    // Log the first few of each reason, then every hundredth: enough to diagnose, not a flood.
    const seen = this.errorsByReason[reason] as number;
    if (seen <= 5 || seen % 100 === 0)
      log.warn(`gateway refused a message of ${deviceId} (${reason}, #${seen}): ${detail}`);
  }

  private async shutdown(sendOffline: boolean): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.links.values()].map((link) => link.close(sendOffline)));
    const s = this.stats();
    log.info(`simulation stopped: ${JSON.stringify(s.published)} published, ${s.errors} refused, ${s.dropped} dropped`);
    this.settle?.();
  }

  private historyS(speed: number): number {
    const { historyS, durationS } = this.options;
    if (historyS !== undefined && historyS > 0 && speed <= 1) {
      throw new Error(
        `a store that starts ${historyS} s in the past catches up with the clock only at a speed above 1, got ${speed}`,
      );
    }
    if (historyS !== undefined || speed <= 1) return historyS ?? 0;
    return durationS === undefined ? DEFAULT_HISTORY_S : durationS * (1 - 1 / speed);
  }

  private sim(): StoreSimulation {
    if (this.simulation === undefined) throw new Error('the simulator has not been started');
    return this.simulation;
  }
}

/** What the CLI calls: builds the runner, connects, starts publishing; await `runner.done()` to wait for the end. */
export async function runSimulator(options: SimulatorRunnerOptions): Promise<SimulatorRunner> {
  const runner = new SimulatorRunner(options);
  await runner.start();
  return runner;
}
