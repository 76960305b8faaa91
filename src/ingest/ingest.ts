/**
 * The ingest (ARCHITECTURE §2, §4): a device message that passed the broker's authentication and ACL
 * goes topic → profile stream → size → UTF-8 → JSON → strict JSON → schema → event time → decode → typed bus event.
 * Every refusal on the way gets the three traces of §4 — an error reply to the device, a dead-letter
 * row and a counter by reason — plus an `ingestRefused` bus event; repeats of one device's refusal
 * share a reply and a row (refusal-traces.ts), the counter stays exact. Valid traffic from other devices
 * never waits on a refusal: refusals are answered synchronously and their rows written in batches.
 *
 * handle() is the hot path (≥ 20,000 msg/s on 2 cores, §10): no closures, no label hashing, log
 * messages built only when their level is on.
 */
import { isUtf8 } from 'node:buffer';
import { Counter, type Registry } from 'prom-client';
import type { BusEventName, BusEvents, EventBus } from '../bus.js';
import type { GatewayConfig } from '../config/schema.js';
import { createLogger } from '../log.js';
import { registerOnce } from '../metrics.js';
import type { DeadLetterStore } from './dead-letter.js';
import { Watermarks } from './event-time.js';
import { describeJsonError } from './json-error.js';
import { describeBadUtf8 } from './payload-text.js';
import {
  type DecodeContext,
  DecodeError,
  type DeviceMessage,
  type DeviceProfile,
  deviceTopic,
  type JsonStream,
  type Refusal,
} from './profile.js';
import { RefusalTraces } from './refusal-traces.js';
import { compileRoutes, type Route, type RouteTable } from './routes.js';
import { describeSchemaError } from './schema-errors.js';
import { strictJsonProblem } from './strict-json.js';

const log = createLogger('omo:ingest');

export interface IngestOptions {
  config: GatewayConfig['ingest'];
  profiles: ReadonlyMap<string, DeviceProfile>;
  bus: EventBus;
  deadLetters: DeadLetterStore;
  metrics: Registry;
  /** Publishes to a device (the broker's downlink); used for the `…/error` replies. */
  reply(topic: string, payload: string): void;
  /** Gateway clock, epoch ms; tests pin it. */
  now?: () => number;
}

export class Ingest {
  private table: RouteTable | undefined;
  private refusedTotal: Counter<'reason'> | undefined;
  private readonly refusedByReason = new Map<string, Counter.Internal>();
  private readonly watermarks: Watermarks;
  private readonly traces: RefusalTraces;
  private readonly now: () => number;

  constructor(private readonly options: IngestOptions) {
    this.watermarks = new Watermarks({
      watermarkS: options.config.watermark_s,
      maxFutureS: options.config.max_future_s,
      maxPastS: options.config.max_past_s,
    });
    this.now = options.now ?? Date.now;
    this.traces = new RefusalTraces(options.config.refusal_trace_interval_s * 1000, (refusal, repeats) =>
      this.trace(refusal, repeats),
    );
  }

  async start(): Promise<void> {
    const registry = this.options.metrics;
    const registers = [registry];
    const accepted = registerOnce(
      registry,
      'omo_ingest_messages_total',
      () =>
        new Counter({
          name: 'omo_ingest_messages_total',
          help: 'Device messages accepted onto the bus, by device kind and stream.',
          labelNames: ['kind', 'stream'] as const,
          registers,
        }),
    );
    this.refusedTotal = registerOnce(
      registry,
      'omo_ingest_refused_total',
      () =>
        new Counter({
          name: 'omo_ingest_refused_total',
          help: 'Device messages refused (answered on …/error and dead-lettered), by reason.',
          labelNames: ['reason'] as const,
          registers,
        }),
    );
    this.table = compileRoutes(this.options.profiles, this.options.config, accepted);
    const kinds = [...this.table.routes.keys()].join(', ');
    log.info(() => `ingest ready for ${kinds}`);
  }

  /** See Watermarks.allowPast: for a simulator the gateway runs itself, which starts in the past. */
  allowPast(seconds: number): void {
    this.watermarks.allowPast(seconds);
  }

  async stop(): Promise<void> {
    this.traces.stop();
    this.table = undefined;
    this.watermarks.clear();
  }

  handle(message: DeviceMessage): void {
    const table = this.table;
    if (table === undefined) throw new Error('Ingest.handle() called before start()');
    const route = table.routes.get(message.kind)?.get(message.stream);
    if (route === undefined) {
      const streams = table.streamLists.get(message.kind);
      const detail =
        streams === undefined
          ? `kind "${message.kind}" has no device profile`
          : `stream "${message.stream}" is not one a ${message.kind} publishes (${streams})`;
      this.refuseMessage(message, 'unknown_topic', detail);
      return;
    }
    const payload = message.payload;
    if (payload.length > route.maxBytes) {
      const detail = `payload is ${payload.length} bytes, more than ${route.sizeKey} ${route.maxBytes}`;
      this.refuseMessage(message, 'oversize', detail);
      return;
    }
    const context: DecodeContext = { deviceId: message.deviceId, kind: message.kind, receivedAt: message.receivedAt };
    const profile = route.profile;
    let event: BusEvents[BusEventName] | undefined;
    try {
      event =
        profile.payload === 'json'
          ? this.decodeJson(profile, route.validate, message, context)
          : profile.decode(payload, context);
    } catch (error) {
      if (error instanceof DecodeError) {
        this.refuseMessage(message, error.reason, error.message);
        return;
      }
      log.error(() => `profile ${route.kind}/${route.stream} failed to decode a valid payload: ${String(error)}`);
      this.refuseMessage(message, 'decode_failed', `payload could not be decoded: ${String(error)}`);
      return;
    }
    if (event === undefined) return;
    this.options.bus.emit(profile.event, event);
    route.accepted.inc();
  }

  /** The JSON steps; returns undefined after refusing. */
  private decodeJson(
    profile: JsonStream,
    validate: Route['validate'],
    message: DeviceMessage,
    context: DecodeContext,
  ): BusEvents[BusEventName] | undefined {
    const payload = message.payload;
    // A lossy decode would turn stray bytes into U+FFFD and pass them on as if the device had sent them.
    if (!isUtf8(payload)) return void this.refuseMessage(message, 'bad_json', describeBadUtf8(payload));
    const text = payload.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return void this.refuseMessage(message, 'bad_json', describeJsonError(text, error));
    }
    const strict = strictJsonProblem(text, value);
    if (strict !== undefined) return void this.refuseMessage(message, strict.reason, strict.detail);
    if (validate !== undefined && !validate(value)) {
      const first = validate.errors?.[0];
      const refusal = first === undefined ? undefined : describeSchemaError(value, first);
      return void this.refuseMessage(message, refusal?.reason ?? 'schema', refusal?.detail ?? 'payload is invalid');
    }
    const ts = typeof value === 'object' && value !== null ? (value as { ts?: unknown }).ts : undefined;
    if (typeof ts !== 'number') return profile.decode(value, context);
    const refusal = this.watermarks.check(message.deviceId, ts, this.now());
    if (refusal !== undefined) return void this.refuseMessage(message, refusal.reason, refusal.detail);
    const event = profile.decode(value, context);
    // Only a reading that is accepted moves the watermark; decode throws before this for a refused one.
    this.watermarks.advance(message.deviceId, ts);
    return event;
  }

  private refuseMessage(message: DeviceMessage, reason: string, detail: string): void {
    this.refuse({
      deviceId: message.deviceId,
      kind: message.kind,
      topic: message.topic,
      reason,
      detail,
      payload: message.payload,
      receivedAt: message.receivedAt,
    });
  }

  /**
   * Leaves the three traces of a refusal (§4). Public: the broker calls it for ACL, size and rate
   * refusals it makes itself, so every refusal is answered, dead-lettered and counted the same way.
   */
  refuse(refusal: Refusal): void {
    const { deviceId, topic, reason, detail, receivedAt } = refusal;
    this.refusedCounter(reason).inc();
    this.options.bus.emit('ingestRefused', { deviceId, topic, reason, detail, ts: receivedAt });
    log.debug(() => `refused ${topic} from ${deviceId ?? 'unknown sender'}: ${reason}: ${detail}`);
    // A client that never authenticated (an oversized packet before CONNECT) is counted only: anybody
    // can open a socket, and the table is for evidence about the store's devices (issue 8 point 6).
    if (deviceId === null || refusal.kind === null) return;
    this.traces.note(refusal);
  }

  /** (device, reason) pairs refused within the last trace interval: the windows open now. */
  get openRefusalWindows(): number {
    return this.traces.open;
  }

  /** One trace (refusal-traces.ts): the error reply and the dead-letter row, for `repeats` refusals. */
  private trace(refusal: Refusal, repeats: number): void {
    const { deviceId, kind, topic, reason, detail, receivedAt } = refusal;
    if (deviceId === null || kind === null) return;
    const body = JSON.stringify({ topic, reason, detail, ts: receivedAt, repeats });
    try {
      this.options.reply(deviceTopic(kind, deviceId, 'error'), body);
    } catch (error) {
      log.warn(() => `could not send the error reply to ${deviceId}: ${String(error)}`);
    }
    this.options.deadLetters.add(refusal, repeats);
  }

  private refusedCounter(reason: string): Counter.Internal {
    let counter = this.refusedByReason.get(reason);
    if (counter === undefined) {
      if (this.refusedTotal === undefined) throw new Error('Ingest.refuse() called before start()');
      counter = this.refusedTotal.labels(reason);
      this.refusedByReason.set(reason, counter);
    }
    return counter;
  }
}
