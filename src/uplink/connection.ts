/**
 * The connection to the cloud broker, kept up for as long as the uplink runs. Each attempt is a fresh
 * mqtt.js client with its own reconnect switched off; after a failure or a lost connection the next
 * attempt waits for the jittered exponential backoff (backoff.ts). A fresh client per attempt also
 * means mqtt.js never replays its in-memory queue: the outbox is the only store of unacked records,
 * so what is re-sent after a reconnect is decided in one place (stream-drain.ts).
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import type { Backoff } from './backoff.js';

export interface ConnectionHandlers {
  /** CONNACK received: the client may publish. */
  connected(client: MqttClient): void;
  /** The connection that `connected` reported is gone. */
  disconnected(): void;
  message(topic: string, payload: Buffer, packet: IPublishPacket): void;
}

/** Longest wait for the broker to take our DISCONNECT on stop before the socket is just closed. */
const END_TIMEOUT_MS = 2000;

/** How long a connection must hold before a later loss counts as a fresh failure (backoff reset). */
const STABLE_AFTER_MS = 30_000;

export class UplinkConnection {
  private client: MqttClient | undefined;
  private live = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private lastError = '';

  constructor(
    private readonly url: string,
    private readonly shownUrl: string,
    private readonly clientOptions: IClientOptions,
    private readonly backoff: Backoff,
    private readonly handlers: ConnectionHandlers,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.live;
  }

  /** The client of the live connection, if any. */
  get currentClient(): MqttClient | undefined {
    return this.live ? this.client : undefined;
  }

  start(): void {
    this.stopping = false;
    this.attempt();
  }

  /** Runs `farewell` on a live connection (the offline status), then disconnects cleanly. */
  async stop(farewell: (client: MqttClient) => Promise<void>): Promise<void> {
    this.stopping = true;
    clearTimeout(this.stableTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (this.live) {
      await farewell(client).catch((error: unknown) =>
        this.log.warn(`offline status not sent: ${(error as Error).message}`),
      );
      // A normal DISCONNECT (reason 0) tells the broker not to publish the will [MQTT-3.1.2-10].
      await withTimeout(client.endAsync(false), END_TIMEOUT_MS).catch(() => client.end(true));
    } else {
      client.end(true);
    }
    if (this.live) {
      this.live = false;
      this.handlers.disconnected();
    }
  }

  private attempt(): void {
    this.retryTimer = undefined;
    if (this.stopping) return;
    const client = mqtt.connect(this.url, this.clientOptions);
    this.client = client;
    client.on('connect', () => {
      if (this.client !== client) return;
      this.live = true;
      this.lastError = '';
      // The backoff starts again from the floor only once the connection has held: a broker that
      // accepts and then kicks the client (a duplicate client id, a policy refusing a publish) would
      // otherwise be retried at the minimum delay forever — a reconnect storm across a chain (§11).
      clearTimeout(this.stableTimer);
      this.stableTimer = setTimeout(() => this.backoff.reset(), STABLE_AFTER_MS).unref();
      this.log.info(`connected to ${this.shownUrl}`);
      this.handlers.connected(client);
    });
    client.on('message', (topic, payload, packet) => {
      if (this.client === client) this.handlers.message(topic, payload, packet);
    });
    client.on('error', (error) => {
      // Logged once per distinct reason, so an outage of hours is not thousands of identical lines.
      if (error.message !== this.lastError) this.log.warn(`${this.shownUrl}: ${error.message}`);
      this.lastError = error.message;
    });
    client.on('close', () => this.closed(client));
  }

  private closed(client: MqttClient): void {
    if (this.client !== client) return;
    clearTimeout(this.stableTimer);
    this.client = undefined;
    client.removeAllListeners('connect');
    client.end(true);
    if (this.live) {
      this.live = false;
      this.log.warn(`connection to ${this.shownUrl} lost`);
      this.handlers.disconnected();
    }
    if (this.stopping) return;
    const delay = this.backoff.next();
    this.log.debug(() => `reconnect attempt ${this.backoff.attempts} in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.attempt(), delay);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
