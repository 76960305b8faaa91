/**
 * Runs the virtual store against a real MQTT broker: one connection per simulated device, messages
 * published when their event time comes round at `speed` × real time. Used by `omo-edge simulate`, by
 * `start --demo`, by the integration tests and the benchmarks. Nothing happens in the constructor;
 * start() connects and starts publishing, stop() says goodbye (`offline`) and disconnects.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceProfile } from '../ingest/profile.js';
import { createLogger } from '../log.js';
import { DeviceLink } from './device-link.js';
import type { GroundTruthTotals } from './ground-truth-tally.js';
import type { SimulatedMessage } from './messages.js';
import { TICK_MS } from './store-context.js';
import { StoreSimulation } from './store-simulation.js';

const log = createLogger('omo:simulate');
/** Messages published per wake-up before yielding to the event loop. */
const BATCH = 2000;

export interface SimulatorRunnerOptions {
  config: GatewayConfig;
  /** mqtt://host:port (or ws://, mqtts://) of the gateway's broker. */
  url: string;
  /** Password of every simulated device, by device id. */
  credentials: ReadonlyMap<string, string>;
  profiles: ReadonlyMap<string, DeviceProfile>;
  /** Default: config.simulation.seed. */
  seed?: number;
  /** Simulated seconds per real second; default config.simulation.speed. */
  speed?: number;
  /** Simulated seconds to run; without it the store runs until stop(). */
  durationS?: number;
  /** Shopper groups that come in, in all; arrivals stop after them. */
  shoppers?: number;
  /** Default: config.simulation.arrivals_per_min. */
  arrivalsPerMin?: number;
  /**
   * Event time of the start, epoch ms. Default: now; when speed > 1 and durationS is set, early enough
   * that the run ends at the wall clock, so no reading is ever stamped in the gateway's future.
   */
  epochMs?: number;
  connectTimeoutMs?: number;
}

export interface SimulatorStats {
  /** Messages published, by stream (status, tracks, weight, temp, play). */
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
  running: boolean;
}

export class SimulatorRunner {
  private readonly links = new Map<string, DeviceLink>();
  private readonly published: Record<string, number> = {};
  private readonly errorsByReason: Record<string, number> = {};
  private simulation: StoreSimulation | undefined;
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
    const epochMs =
      options.epochMs ??
      (options.durationS !== undefined && speed > 1
        ? wallStart - options.durationS * 1000 * (1 - 1 / speed)
        : wallStart);
    const cameraRate = (1000 / TICK_MS) * speed;
    if (cameraRate > config.broker.limits.publish_rate_per_s) {
      // Each smart camera sends a frame per tick; the gateway's per-device rate limit refuses the excess.
      log.warn(
        `speed ${speed} makes each smart camera publish ${cameraRate} messages/s, over broker.limits.publish_rate_per_s (${config.broker.limits.publish_rate_per_s}): the gateway will refuse some`,
      );
    }
    if (options.epochMs === undefined && options.durationS === undefined && speed > 1) {
      log.warn(`speed ${speed} without a duration: event time will run ahead of the gateway clock`);
    }
    const simulation = new StoreSimulation(config, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.arrivalsPerMin === undefined ? {} : { arrivalsPerMin: options.arrivalsPerMin }),
      ...(options.durationS === undefined ? {} : { durationS: options.durationS }),
      ...(options.shoppers === undefined ? {} : { shoppers: options.shoppers }),
      drain: options.durationS === undefined && options.shoppers !== undefined,
      epochMs: Math.round(epochMs),
    });
    this.simulation = simulation;
    await this.connectAll(simulation);
    this.running = true;
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
    });
    log.info(`simulating ${this.links.size} devices at ${speed}x from ${new Date(epochMs).toISOString()}`);
    const messages = simulation.messages();
    let next = messages.next();
    const t0 = performance.now();
    const pump = (): void => {
      this.timer = undefined;
      if (!this.running) return;
      const nowEvent = epochMs + (performance.now() - t0) * speed;
      // Bounded batches: at high speed the backlog of one wake-up must not starve the sockets.
      for (let batch = 0; batch < BATCH && !next.done && next.value.at <= nowEvent; batch++) {
        this.send(next.value);
        next = messages.next();
      }
      if (next.done) {
        // The stream ended with every device's offline status, already published.
        void this.shutdown(false);
        return;
      }
      this.timer = setTimeout(pump, Math.max(0, (next.value.at - nowEvent) / speed));
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
    return {
      published: { ...this.published },
      dropped: this.dropped,
      errors: this.errors,
      errorsByReason: { ...this.errorsByReason },
      devices: this.links.size,
      connected: [...this.links.values()].filter((link) => link.connected).length,
      simulatedTime: new Date(this.simulation?.currentTime ?? 0).toISOString(),
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
