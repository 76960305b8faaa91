/**
 * The rig of the in-process whole-gateway uplink tests: a real Mosquitto (persistent, so the cloud
 * subscriber's session survives an outage) as the cloud broker with a deduplicating collector on it,
 * the gateway built by `src/gateway.ts` on the zara01 floor plan with 10 s bins, its camera
 * registered, and a track feeder for that camera. `dispose()` undoes whatever was started.
 */
import { join } from 'node:path';
import { type GatewayUnderTest, startGateway, waitFor } from '../../helpers/gateway.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { CloudCollector } from '../../uplink/cloud-collector.js';
import { TrackFeeder, zara01Frames } from './track-feeder.js';
import { CAMERA, gatewayYaml, type OutboxLedger, readOutbox } from './uplink-checks.js';

export const STORE = 'e2e-store';
export const GATEWAY = 'e2e-gw';
export const BIN_MS = 10_000;

export interface HealthAnswer {
  code: number;
  body: Record<string, unknown> & { uplink: Record<string, unknown>; storage: Record<string, unknown> };
}

export class UplinkRig {
  feeder: TrackFeeder | undefined;

  private constructor(
    readonly broker: Mosquitto,
    readonly cloud: CloudCollector,
    readonly gw: GatewayUnderTest,
    readonly password: string,
  ) {}

  /** Starts Mosquitto, the collector and the gateway (`uplink` keys override the test defaults). */
  static async start(uplink: Record<string, unknown> = {}): Promise<UplinkRig> {
    const broker = await Mosquitto.launch({ persistence: true });
    const cloud = new CloudCollector(broker.url, `omo/${STORE}/v1/#`);
    try {
      await cloud.start();
      const yaml = gatewayYaml({
        storeId: STORE,
        gatewayId: GATEWAY,
        uplinkUrl: broker.url,
        binS: BIN_MS / 1000,
        uplink,
      });
      const gw = await startGateway({ yaml });
      return new UplinkRig(broker, cloud, gw, await gw.addDevice(CAMERA, 'camera'));
    } catch (error) {
      await cloud.stop();
      await broker.dispose();
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.feeder?.stop();
    await this.gw.stop();
    await this.cloud.stop();
    await this.broker.dispose();
  }

  /** A feeder (not started) whose event time reaches the wall clock after about `wallS` s at `speed`. */
  feed(speed: number, wallS: number, loops?: number): TrackFeeder {
    const startMs = Math.floor((Date.now() - wallS * 1000 * (speed - 1)) / BIN_MS) * BIN_MS;
    this.feeder = new TrackFeeder({
      url: `mqtt://127.0.0.1:${this.gw.ports.mqtt}`,
      camera: CAMERA,
      password: this.password,
      speed,
      startMs,
      ...(loops === undefined ? {} : { loops }),
    });
    return this.feeder;
  }

  async healthz(): Promise<HealthAnswer> {
    const response = await this.gw.http('/healthz');
    return { code: response.status, body: (await response.json()) as HealthAnswer['body'] };
  }

  /** The outbox's own file, read while the gateway runs. */
  ledger(): OutboxLedger {
    return readOutbox(join(this.gw.dataDir, 'outbox.db'), GATEWAY);
  }

  /**
   * Waits until the outbox has nothing pending and the cloud holds every id it assigned but those it
   * dropped (a dropped record may still have arrived: published, its PUBACK lost, then evicted).
   */
  async drained(what: string): Promise<OutboxLedger> {
    let last = '';
    try {
      return await waitFor(
        () => {
          const ledger = this.ledger();
          const held = this.cloud.uniqueRecords();
          const missing = [...ledger.assigned].filter((id) => !held.has(id)).length;
          last = `pending ${ledger.pending}, assigned ${ledger.assigned.size}, missing ${missing}, dropped ${ledger.droppedTotal}`;
          return ledger.pending === 0 && missing <= ledger.droppedTotal ? ledger : null;
        },
        20_000,
        what,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${last}`);
    }
  }
}

/** zara01's length in event time, ms. */
export function zara01Ms(): number {
  const frames = zara01Frames();
  return ((frames.at(-1)?.t ?? 0) - (frames[0]?.t ?? 0)) * 1000;
}
