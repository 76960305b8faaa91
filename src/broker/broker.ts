/**
 * The embedded MQTT broker devices connect to (ARCHITECTURE §1, §4, §11): aedes behind TCP, WebSocket
 * and TLS listeners, with device authentication against the registry, an ACL per device derived from its
 * profile, and limits against misuse. Accepted device publishes go to `onMessage` (the ingest), refused
 * ones to `onRefused`. The parts: listeners.ts (sockets), framing.ts (packet size), connect.ts + auth.ts
 * (who may connect), traffic.ts + acl.ts (what they may publish and receive), limits.ts, lifecycle.ts.
 *
 * MQTT versions: aedes 1.2 implements MQTT 3.1 and 3.1.1; an MQTT 5 CONNECT is answered with return code
 * 1 (unacceptable protocol version) and counted as auth failure `unsupported_protocol`.
 */
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { connectHooks } from './connect.js';
import { type BrokerContext, type BrokerOptions, type HookContext, log, safely } from './context.js';
import { type OversizePacket, PacketSizeGuard } from './framing.js';
import { trackLifecycle } from './lifecycle.js';
import { aedesLimitOptions, ConnectionRate, HANDSHAKE_ALLOWANCE } from './limits.js';
import { type BoundPorts, type Listeners, startListeners } from './listeners.js';
import { createBrokerMetrics, removeBrokerMetrics } from './metrics.js';
import { SessionTable } from './sessions.js';
import { trafficHooks } from './traffic.js';

export type { BrokerOptions } from './context.js';
export type { BoundPorts } from './listeners.js';

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

interface Running {
  context: BrokerContext;
  listeners: Listeners;
  detach: () => void;
}

/** The peer address of a raw connection: the socket's, or for WebSocket the upgraded request's. */
function peerAddress(connection: Duplex, request?: IncomingMessage): string {
  return (connection as { remoteAddress?: string }).remoteAddress ?? request?.socket.remoteAddress ?? 'unknown';
}

export class Broker {
  private running: Running | undefined;
  private stopping = false;
  /** Raw connections (sockets, WebSocket streams), including those not yet authenticated. */
  private readonly open = new Set<Duplex>();
  private readonly clientOf = new WeakMap<PacketSizeGuard, Client>();

  constructor(private readonly options: BrokerOptions) {}

  /** Starts aedes and the listeners; resolves with the bound ports (port 0 in the config picks a free one). */
  async start(): Promise<BoundPorts> {
    if (this.running !== undefined) throw new Error('broker already started');
    this.stopping = false;
    const sessions = new SessionTable();
    const metrics = createBrokerMetrics(this.options.metrics, () => sessions.count);
    const shared: HookContext = { options: this.options, sessions, metrics, stopping: () => this.stopping };
    const hooks = { ...connectHooks(shared), ...trafficHooks(shared) };
    const aedes = await Aedes.createBroker({ ...aedesLimitOptions(this.options.config.limits), ...hooks });
    const context: BrokerContext = { ...shared, aedes };
    const detach = trackLifecycle(context);
    const limits = this.options.config.limits;
    const rate = new ConnectionRate(limits.connect_rate_per_s, limits.connect_burst);
    try {
      const listeners = await startListeners(this.options.config, this.options.configDir, (connection, request) =>
        this.accept(context, rate, connection, request),
      );
      this.running = { context, listeners, detach };
      log.info(`listening: ${JSON.stringify(listeners.ports)}`);
      return listeners.ports;
    } catch (error) {
      detach();
      await new Promise<void>((done) => aedes.close(done));
      removeBrokerMetrics(this.options.metrics, metrics);
      throw error;
    }
  }

  /** Closes every connection and listener. Deaths during shutdown are not announced: the gateway is going. */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.stopping = true;
    this.running = undefined;
    // aedes first, so clients are closed by the broker (not torn by their sockets); then the listeners,
    // which destroy whatever is left (handshakes in progress, connections arriving meanwhile).
    await new Promise<void>((done) => running.context.aedes.close(done));
    for (const connection of this.open) connection.destroy();
    await running.listeners.close();
    running.detach();
    removeBrokerMetrics(this.options.metrics, running.context.metrics);
  }

  /**
   * Publishes as the gateway (error replies, retained notices). It bypasses the ACL and never reaches
   * onMessage; subscribers still see only what authorizeForward lets through (their downlink topics).
   */
  publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const aedes = this.running?.context.aedes;
    if (aedes === undefined) return Promise.reject(new Error('broker is not running'));
    if (topic === '' || topic.includes('+') || topic.includes('#')) {
      return Promise.reject(
        new Error(`cannot publish on ${JSON.stringify(topic)}: topics are non-empty, no wildcards`),
      );
    }
    const packet = {
      cmd: 'publish' as const,
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: options.qos ?? 0,
      retain: options.retain ?? false,
      dup: false,
    };
    return new Promise((done, fail) => aedes.publish(packet, (error) => (error ? fail(error) : done())));
  }

  /** Authenticated connections open now. */
  connectedCount(): number {
    return this.running?.context.sessions.count ?? 0;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private accept(context: BrokerContext, rate: ConnectionRate, connection: Duplex, request?: IncomingMessage): void {
    const limits = this.options.config.limits;
    if (this.stopping || this.open.size >= limits.max_connections + HANDSHAKE_ALLOWANCE) {
      context.metrics.connectionsRejected.inc();
      connection.destroy();
      return;
    }
    const address = peerAddress(connection, request);
    if (!rate.take(address)) {
      context.metrics.connectRateLimited.inc();
      log.debug(() => `closed a connection from ${address}: over broker.limits.connect_rate_per_s`);
      connection.destroy();
      return;
    }
    // Nagle's algorithm would hold small acks and replies for up to 40 ms; readings are small, latency counts.
    if (connection instanceof Socket) connection.setNoDelay(true);
    this.open.add(connection);
    connection.once('close', () => this.open.delete(connection));
    connection.on('error', () => undefined);
    const guard: PacketSizeGuard = new PacketSizeGuard(connection, limits.max_packet_bytes, (packet) =>
      this.oversize(context, guard, packet),
    );
    this.clientOf.set(guard, context.aedes.handle(guard, request));
  }

  private oversize(context: BrokerContext, guard: PacketSizeGuard, packet: OversizePacket): void {
    const session = context.sessions.get(this.clientOf.get(guard) ?? null);
    context.metrics.refused.inc({ reason: 'oversize' });
    log.warn(
      () => `closed ${session?.deviceId ?? guard.remoteAddress ?? 'a client'}: ${packet.declaredBytes}-byte packet`,
    );
    safely('onRefused', this.options.onRefused, {
      deviceId: session?.deviceId ?? null,
      kind: session?.kind ?? null,
      topic: packet.topic,
      reason: 'oversize',
      detail: `packet of ${packet.declaredBytes} bytes is over the ${packet.limit}-byte limit (broker.limits.max_packet_bytes); connection closed`,
      receivedAt: Date.now(),
    });
  }
}
