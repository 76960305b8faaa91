/**
 * `start --demo` as a part of the gateway (src/part.ts), after HTTP: once the broker listens, the virtual
 * store of the config gets fresh credentials in the gateway's own registry and connects over real MQTT,
 * exactly like hardware would. A fast-forwarded store (--speed, fast-forward.ts) logs how far it has got
 * and when it will have caught up with the clock; /healthz shows the same under `demo`.
 */
import { profiles } from '../../devices/index.js';
import type { PartFactory, PartHealth } from '../part.js';
import { DEFAULT_HISTORY_S } from './fast-forward.js';
import { provisionSimulatedDevices } from './provision.js';
import { runSimulator, type SimulatorRunner } from './runner.js';

export interface DemoOptions {
  /** Default config.simulation.speed. */
  speed?: number;
  /** How far back a fast store starts, seconds; default an hour (runner.ts). */
  historyS?: number;
}

/** Beyond the demo's history: its first readings arrive a moment after they were stamped. */
const HISTORY_SLACK_S = 300;

/** While catching up, a progress line this often (a catch-up shorter than this gets none). */
const PROGRESS_EVERY_MS = 10_000;

export function demoPart(options: DemoOptions = {}): PartFactory {
  return (context) => {
    const log = context.logger('omo:demo');
    let runner: SimulatorRunner | undefined;
    let progress: NodeJS.Timeout | undefined;

    const report = (running: SimulatorRunner) => {
      const { simulatedTime, behindS, catchUpEtaS } = running.stats();
      if (catchUpEtaS === 0) {
        log.info('demo store has caught up with the clock; it runs at 1x from now');
        clearInterval(progress);
        return;
      }
      log.info(
        `demo store at ${simulatedTime}, ${minutes(behindS)} behind the clock; caught up in about ${minutes(catchUpEtaS ?? 0)}`,
      );
    };

    return {
      name: 'demo',
      async start() {
        const { config, ports } = context;
        const credentials = await provisionSimulatedDevices(config, context.need('devices'));
        // Its readings start that far in the past by design; the ingest's back-fill window must hold them.
        context.need('ingest').allowPast((options.historyS ?? DEFAULT_HISTORY_S) + HISTORY_SLACK_S);
        const running = await runSimulator({
          config,
          url: `mqtt://127.0.0.1:${ports.mqtt}`,
          credentials,
          profiles,
          publishRatePerS: config.broker.limits.publish_rate_per_s,
          ...options,
        });
        runner = running;
        log.info(`demo store running: ${credentials.size} simulated devices; HTTP API on port ${ports.http}`);
        if ((running.stats().catchUpEtaS ?? 0) * 1000 > PROGRESS_EVERY_MS) {
          progress = setInterval(() => report(running), PROGRESS_EVERY_MS);
        }
      },
      async stop() {
        clearInterval(progress);
        await runner?.stop();
      },
      health(): PartHealth {
        if (runner === undefined) return { status: 'unknown' };
        const s = runner.stats();
        return {
          // A simulated device that lost its connection is a fault of the gateway, not of the demo.
          status: s.connected < s.devices ? 'degraded' : 'ok',
          devices: s.devices,
          connected: s.connected,
          refused: s.errors,
          store_time: s.simulatedTime,
          behind_s: s.behindS,
          catch_up_eta_s: s.catchUpEtaS,
        };
      },
    };
  };
}

const minutes = (seconds: number): string =>
  seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
