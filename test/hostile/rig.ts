/**
 * The hostile-input suite's rig (issue 8 point 8): the real gateway (every part, real sockets on port
 * 0, real SQLite), a valid shelf scale publishing beside it from 127.0.0.1 the whole time, and the
 * attacker's side: `mallory`, a registered device whose credentials the attacker holds, and raw
 * connections from other loopback addresses (every 127.x.y.z is this machine), so that the per-address
 * connection rate an attack runs into is the attacker's own.
 */
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { type IClientOptions, MqttClient } from 'mqtt';
import { type GatewayUnderTest, metricValue, type Sample, startGateway, waitFor } from '../helpers/gateway.js';

export const VALID = 'scale-ok';
export const MALLORY = 'mallory';
/** Where connect-level attacks come from; mallory's own connections come from MALLORY_ADDRESS. */
export const ATTACKER_ADDRESS = '127.0.0.3';
export const MALLORY_ADDRESS = '127.0.0.2';
export const FLOOD_ADDRESS = '127.0.0.4';
export const CONNECT_BURST = 100;
/** Short enough that the repeats of one reason are traced while the suite runs. */
export const TRACE_INTERVAL_S = 0.2;

const YAML = `store: { id: hostile-store }
gateway: { id: hostile-gw, log_level: error }
broker:
  limits: { connect_timeout_ms: 1000, connect_rate_per_s: 0.1, connect_burst: ${CONNECT_BURST}, max_packet_bytes: 65536 }
ingest: { max_json_bytes: 4096, max_frame_bytes: 32768, refusal_trace_interval_s: ${TRACE_INTERVAL_S} }
`;

/** The valid device: a QoS 1 weight reading every 20 ms until stopped; what the gateway acknowledged. */
class ValidScale {
  readonly acked: number[] = [];
  closes = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<unknown>>();
  private last = 0;

  constructor(private readonly client: MqttClient) {
    client.on('close', () => this.closes++);
  }

  start(): void {
    this.timer = setInterval(() => {
      const ts = Math.max(Date.now(), this.last + 1);
      this.last = ts;
      const payload = JSON.stringify({ ts, lanes: [{ lane: 1, grams: 2450.5 }] });
      const sent = this.client.publishAsync(`omo/shelf/${VALID}/weight`, payload, { qos: 1 }).then(() => {
        this.acked.push(ts);
      });
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }, 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }
}

export interface Rig {
  gw: GatewayUnderTest;
  valid: ValidScale;
  /** Readings of the valid device that reached the bus, by ts. */
  arrived: number[];
  malloryPassword: string;
  scrape(): Promise<Sample[]>;
  /** Connects an MQTT 3.1.1 (or `protocolVersion`) client from `address`; the CONNACK code, 0 with the client. */
  connectFrom(address: string, options: IClientOptions): Promise<{ code: number; client?: MqttClient }>;
  /** A raw TCP connection from `address`, connected. */
  socketFrom(address: string): Promise<Socket>;
  /** Rows of the dead-letter table (through the admin API), newest first. */
  deadLetters(query?: string): Promise<DeadLetter[]>;
  stop(): Promise<void>;
}

export interface DeadLetter {
  device_id: string | null;
  topic: string;
  reason: string;
  detail: string;
  repeats: number;
}

export async function startRig(): Promise<Rig> {
  const gw = await startGateway({ yaml: YAML });
  const clients: MqttClient[] = [];
  const arrived: number[] = [];
  gw.gateway.bus.on('hostile-suite', 'shelfWeight', (event) => {
    if (event.deviceId === VALID) arrived.push(event.ts);
  });
  const valid = new ValidScale(await gw.connectDevice(VALID, await gw.addDevice(VALID, 'shelf')));
  const malloryPassword = await gw.addDevice(MALLORY, 'shelf');
  valid.start();

  const rig: Rig = {
    gw,
    valid,
    arrived,
    malloryPassword,
    scrape: () => gw.scrape(),
    connectFrom(address, options) {
      const port = gw.ports.mqtt;
      const client = new MqttClient(() => createConnection({ host: '127.0.0.1', port, localAddress: address }), {
        reconnectPeriod: 0,
        connectTimeout: 10_000,
        protocolVersion: 4,
        ...options,
      });
      clients.push(client);
      return new Promise((resolve) => {
        client.once('connect', () => resolve({ code: 0, client }));
        client.once('error', (error: Error & { code?: unknown }) => {
          client.end(true);
          resolve({ code: typeof error.code === 'number' ? error.code : -1 });
        });
        client.once('close', () => resolve({ code: -1 }));
      });
    },
    async socketFrom(address) {
      const socket = createConnection({ host: '127.0.0.1', port: gw.ports.mqtt, localAddress: address });
      socket.on('error', () => undefined); // the broker resets what it refuses
      await once(socket, 'connect');
      return socket;
    },
    async deadLetters(query = '') {
      const response = await gw.http(`/api/v1/dead-letters?limit=1000${query}`, { token: gw.adminToken });
      return ((await response.json()) as { items: DeadLetter[] }).items;
    },
    async stop() {
      await valid.stop();
      await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
      gw.gateway.bus.removeOwner('hostile-suite');
      await gw.stop();
    },
  };
  return rig;
}

/** Resolves when the socket has been closed by the broker. */
export function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Waits until `metric{labels}` has grown by `by` over `before` (exact: it must not overshoot). */
export async function grownBy(rig: Rig, before: Sample[], name: string, labels: Record<string, string>, by: number) {
  const want = metricValue(before, name, labels) + by;
  const now = await waitFor(
    async () => {
      const value = metricValue(await rig.scrape(), name, labels);
      return value >= want ? { value } : undefined;
    },
    15_000,
    `${name} ${JSON.stringify(labels)} to grow by ${by}`,
  );
  return now.value - metricValue(before, name, labels);
}
