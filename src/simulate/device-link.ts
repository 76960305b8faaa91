/**
 * One simulated device's MQTT connection, as real firmware would hold it: its own client id and
 * credentials, a clean session, `offline` as its last will (without `ts`: the status profile asks for
 * that, since the will is published later by the broker), `online` again after every reconnect, and a
 * subscription to its `error` topic so refusals are seen and counted (ARCHITECTURE §4).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, encodeForWire } from '../../devices/index.js';
import type { BusEvents } from '../bus.js';
import type { DeviceProfile, StreamProfile } from '../ingest/profile.js';
import type { SimulatedMessage } from './messages.js';

export interface DeviceLinkOptions {
  url: string;
  deviceId: string;
  profile: DeviceProfile;
  password: string;
  connectTimeoutMs: number;
  /** Event time now, for the `online` status after a reconnect. */
  now(): number;
  onError(reason: string, detail: string): void;
}

export class DeviceLink {
  private client: MqttClient | undefined;
  private connects = 0;

  constructor(private readonly options: DeviceLinkOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async open(): Promise<void> {
    const { url, deviceId, profile, password, connectTimeoutMs } = this.options;
    const status = this.stream('status');
    const will = JSON.parse(encodeForWire(status, this.statusEvent('offline', 0)).toString('utf8')) as Record<
      string,
      unknown
    >;
    delete will.ts;
    // allowRetries=false: a refused first CONNECT (wrong password, unknown device) fails start() with the reason.
    const client = await mqtt.connectAsync(
      url,
      {
        clientId: deviceId,
        username: deviceId,
        password,
        clean: true,
        protocolVersion: 4,
        connectTimeout: connectTimeoutMs,
        reconnectPeriod: 2000,
        // A device keeps no backlog of readings while offline: they would arrive late anyway (§2 watermark).
        queueQoSZero: false,
        will: {
          topic: deviceTopic(profile.kind, deviceId, 'status'),
          payload: Buffer.from(JSON.stringify(will)),
          qos: 1,
          retain: false,
        },
      },
      false,
    );
    this.client = client;
    const errorTopic = deviceTopic(profile.kind, deviceId, 'error');
    client.on('message', (topic, payload) => {
      if (topic !== errorTopic) return;
      const { reason, detail } = parseRefusal(payload);
      this.options.onError(reason, detail);
    });
    client.on('connect', () => {
      // Birth after a reconnect; the first one comes from the simulation's own stream.
      if (this.connects++ > 0) this.publishEvent('status', this.statusEvent('online', this.options.now()), 1);
    });
    this.connects = 1;
    await client.subscribeAsync(errorTopic, { qos: 1 });
  }

  /** QoS 1 for status (birth/death must arrive), QoS 0 for readings, which the next one supersedes. */
  publish(message: SimulatedMessage): boolean {
    return this.publishEvent(message.stream, message.event, message.stream === 'status' ? 1 : 0);
  }

  async close(sendOffline: boolean): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    if (sendOffline && client.connected) {
      const payload = encodeForWire(this.stream('status'), this.statusEvent('offline', this.options.now()));
      await client.publishAsync(deviceTopic(this.options.profile.kind, this.options.deviceId, 'status'), payload, {
        qos: 1,
      });
    }
    await client.endAsync();
    this.client = undefined;
  }

  private publishEvent(stream: string, event: BusEvents[keyof BusEvents], qos: 0 | 1): boolean {
    const client = this.client;
    if (client === undefined || !client.connected) return false;
    const topic = deviceTopic(this.options.profile.kind, this.options.deviceId, stream);
    client.publish(topic, encodeForWire(this.stream(stream), event), { qos });
    return true;
  }

  private statusEvent(status: 'online' | 'offline', ts: number): BusEvents['deviceStatus'] {
    return { deviceId: this.options.deviceId, kind: this.options.profile.kind, ts, status };
  }

  private stream(name: string): StreamProfile {
    const stream = this.options.profile.publishes[name];
    if (stream === undefined) {
      throw new Error(
        `device profile "${this.options.profile.kind}" has no "${name}" stream for ${this.options.deviceId}`,
      );
    }
    return stream;
  }
}

function parseRefusal(payload: Buffer): { reason: string; detail: string } {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { reason?: unknown; detail?: unknown };
    return { reason: String(body.reason ?? 'unknown'), detail: String(body.detail ?? '') };
  } catch {
    return { reason: 'unreadable', detail: payload.toString('utf8').slice(0, 200) };
  }
}
