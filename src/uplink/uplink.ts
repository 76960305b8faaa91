/**
 * The cloud uplink (ARCHITECTURE §7, §11; issue 4): drains the outbox to the chain's MQTT broker.
 *
 * Parts: connection.ts keeps one connection up (backoff + jitter, last will); stream-drain.ts batches
 * each stream with one batch in flight; publisher.ts turns a batch into a QoS 1 PUBLISH; resend.ts
 * answers HQ's resend command; status.ts the retained online/offline state; metrics.ts the figures.
 * Housekeeping here applies the outbox's age bound and uplinks the drop count.
 */
import type { MqttClient } from 'mqtt';
import type { UplinkConfig } from '../config/schema.js';
import { createLogger } from '../log.js';
import type { Registry } from '../metrics.js';
import type { Outbox } from '../store/outbox/outbox.js';
import { DROP_REPORT_STREAM, OUTBOX_STREAMS, type OutboxStream } from '../store/outbox/streams.js';
import { Backoff } from './backoff.js';
import { buildClientOptions, redactUrl } from './client-options.js';
import { UplinkConnection } from './connection.js';
import { registerUplinkMetrics, type UplinkMetrics } from './metrics.js';
import { type UplinkTopics, uplinkTopics } from './payload.js';
import { publishBatch } from './publisher.js';
import { handleResendCommand } from './resend-handler.js';
import { stateMessageJson } from './status.js';
import { StreamDrain } from './stream-drain.js';

const log = createLogger('omo:uplink');

export interface UplinkOptions {
  config: UplinkConfig;
  storeId: string;
  gatewayId: string;
  outbox: Outbox;
  metrics: Registry;
  /** Directory of the config file; ca_file, cert_file and key_file are relative to it. */
  configDir: string;
}

export interface UplinkStatus {
  connected: boolean;
  /** The broker URL without its password; null when the uplink is off (no url). */
  url: string | null;
  backlog: number;
  oldestRecordAt: string | null;
  lastAckAt: string | null;
  dropped: number;
  /** Records acknowledged by the cloud since start. */
  sent: number;
}

/** How often the drop count is checked and the age bound applied. */
const DROP_CHECK_MS = 1000;
const PRUNE_EVERY_MS = 60_000;
/** How long stop() waits for in-flight batches and the offline status's PUBACK. */
const STOP_GRACE_MS = 3000;

export class Uplink {
  private connection: UplinkConnection | undefined;
  private drains = new Map<OutboxStream, StreamDrain>();
  private topics: UplinkTopics | undefined;
  private metrics: UplinkMetrics | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastAckAt: Date | null = null;
  private lastPruneAt = 0;
  private sent = 0;

  constructor(private readonly options: UplinkOptions) {}

  async start(): Promise<void> {
    const { config, outbox, gatewayId, storeId } = this.options;
    const lastAcked = outbox.lastAckedAt();
    this.lastAckAt = lastAcked === null ? null : new Date(lastAcked);
    if (config.url === undefined) {
      log.info('no uplink.url: uplink off; the outbox keeps filling within its bounds');
      this.startHousekeeping();
      return;
    }
    const topics = uplinkTopics(config.topic_prefix, storeId);
    this.topics = topics;
    const will = {
      topic: topics.status,
      json: stateMessageJson({
        gateway: gatewayId,
        store: storeId,
        state: 'offline',
        reason: 'connection_lost',
        sentAt: new Date(),
      }),
    };
    // First, as it can fail (unreadable PEM files): a failed start leaves nothing running.
    const clientOptions = await buildClientOptions(config, { gatewayId, storeId }, this.options.configDir, will);
    this.startHousekeeping();
    for (const stream of OUTBOX_STREAMS) {
      this.drains.set(
        stream,
        new StreamDrain({
          stream,
          outbox,
          batchMaxRecords: config.batch_max_records,
          batchMaxWaitMs: config.batch_max_wait_ms,
          retryMinMs: config.reconnect_min_ms,
          retryMaxMs: config.reconnect_max_ms,
          log,
          onAcked: (acked, records) => this.acked(acked, records),
        }),
      );
    }
    this.unsubscribe = outbox.onAppend((stream) => this.drains.get(stream)?.kick());
    this.connection = new UplinkConnection(
      config.url,
      redactUrl(config.url),
      clientOptions,
      new Backoff(config.reconnect_min_ms, config.reconnect_max_ms),
      {
        connected: (client) => this.connected(client, topics),
        disconnected: () => {
          for (const drain of this.drains.values()) drain.pause();
        },
        message: (topic, payload, packet) => {
          if (topic === topics.resend && this.connection?.connected) {
            handleResendCommand({
              outbox,
              topics,
              log,
              payload,
              packet,
              reply: this.replyClient(),
            });
          }
        },
      },
      log,
    );
    this.connection.start();
  }

  private startHousekeeping(): void {
    const { metrics, outbox } = this.options;
    this.metrics = registerUplinkMetrics(metrics, outbox, () => this.connection?.connected ?? false);
    this.housekeeping = setInterval(() => this.tidy(), DROP_CHECK_MS);
  }

  async stop(): Promise<void> {
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.housekeeping = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      // Let batches already sent get their PUBACK recorded, so a clean restart re-sends nothing.
      await Promise.race([
        Promise.all([...this.drains.values()].map((drain) => drain.settled())),
        delay(STOP_GRACE_MS),
      ]);
      for (const drain of this.drains.values()) drain.pause();
      await connection.stop((client) => this.publishState(client, 'offline'));
    }
    this.drains.clear();
    this.metrics?.remove();
    this.metrics = undefined;
  }

  status(): UplinkStatus {
    const stats = this.options.outbox.stats();
    return {
      connected: this.connection?.connected ?? false,
      url: this.options.config.url === undefined ? null : redactUrl(this.options.config.url),
      backlog: stats.backlogTotal,
      oldestRecordAt: stats.oldestPendingAt,
      lastAckAt: this.lastAckAt?.toISOString() ?? null,
      dropped: stats.droppedTotal,
      sent: this.sent,
    };
  }

  private connected(client: MqttClient, topics: UplinkTopics): void {
    const { gatewayId, storeId, config } = this.options;
    this.publishState(client, 'online').catch((error: unknown) =>
      log.warn(`online status: ${(error as Error).message}`),
    );
    client.subscribe(topics.resend, { qos: 1 }, (error) => {
      if (error) log.warn(`cannot subscribe to ${topics.resend}: ${error.message}`);
    });
    this.reportDrops();
    const target = { client, topics, gatewayId, storeId, gzip: config.gzip };
    for (const drain of this.drains.values()) {
      drain.resume((stream, messageSeq, records) => publishBatch(target, { stream, messageSeq, records }));
    }
  }

  private publishState(client: MqttClient, state: 'online' | 'offline'): Promise<void> {
    const { gatewayId, storeId } = this.options;
    const json = stateMessageJson({
      gateway: gatewayId,
      store: storeId,
      state,
      sentAt: new Date(),
      ...(state === 'offline' ? { reason: 'stopped' as const } : {}),
    });
    const topic = (this.topics as UplinkTopics).status;
    const properties = {
      contentType: 'application/json',
      payloadFormatIndicator: true,
    };
    return Promise.race([
      client.publishAsync(topic, json, { qos: 1, retain: true, properties }).then(() => undefined),
      delay(STOP_GRACE_MS).then(() =>
        Promise.reject(new Error(`no PUBACK for ${state} status in ${STOP_GRACE_MS} ms`)),
      ),
    ]);
  }

  private replyClient(): (topic: string, body: object, correlation?: Buffer) => void {
    return (topic, body, correlation) => {
      const properties = {
        contentType: 'application/json',
        ...(correlation ? { correlationData: correlation } : {}),
      };
      this.connection?.currentClient?.publish(topic, JSON.stringify(body), { qos: 1, properties }, (error) => {
        if (error) log.warn(`resend reply not sent: ${error.message}`);
      });
    };
  }

  private acked(stream: OutboxStream, records: number): void {
    this.lastAckAt = new Date();
    this.sent += records;
    this.metrics?.acked(stream, records, this.lastAckAt);
  }

  /** Drop reports only while connected: queued offline, each report could evict another record. */
  private reportDrops(): void {
    try {
      const id = this.options.outbox.reportDrops();
      if (id !== null) log.warn(`outbox dropped records; reported as ${id} on ${DROP_REPORT_STREAM}`);
    } catch (error) {
      log.error(`drop report: ${(error as Error).message}`);
    }
  }

  private tidy(): void {
    try {
      if (Date.now() - this.lastPruneAt >= PRUNE_EVERY_MS) {
        this.lastPruneAt = Date.now();
        const dropped = this.options.outbox.prune();
        if (dropped > 0) log.warn(`outbox age bound dropped ${dropped} records`);
      }
      if (this.connection?.connected) this.reportDrops();
    } catch (error) {
      log.error(`outbox housekeeping: ${(error as Error).message}`);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
