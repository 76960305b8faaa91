/**
 * Broker limits (ARCHITECTURE §11). Each one closes one way a single misbehaving or hostile client could
 * take the gateway — and with it every other device in the store — down. The configurable ones are in
 * `broker.limits` (src/config/schema.ts); the fixed ones are here with their reason.
 */
import type { AedesOptions } from 'aedes';
import type { GatewayConfig } from '../config/schema.js';

export type BrokerLimits = GatewayConfig['broker']['limits'];

/**
 * Largest first packet (CONNECT) accepted. Until a client has authenticated it could be anybody; without
 * this bound every half-open connection could make us buffer a `max_packet_bytes` CONNECT (2 MiB by
 * default, times `max_connections`). A CONNECT holds a client id, a username, a password and a will
 * (the device's small offline status), which fit in a few hundred bytes; 8 KiB leaves ample room.
 */
export const MAX_CONNECT_BYTES = 8 * 1024;

/**
 * Connections accepted beyond `max_connections` only so that they can be answered with CONNACK 3
 * (server unavailable) instead of a bare reset — a client that is told backs off, one that is reset
 * usually retries at once. Past this allowance sockets are closed as soon as they are accepted.
 */
export const HANDSHAKE_ALLOWANCE = 64;

/**
 * Topic levels aedes itself accepts before refusing a packet with a disconnect. Its router (qlobber)
 * throws past 100 levels and would crash the process, so aedes clamps there. We leave aedes at that
 * ceiling and apply `max_topic_levels` ourselves in the ACL step, where a deep topic is refused like any
 * other bad message — dropped, answered, counted — without disconnecting the device (§11 "deep or odd topics").
 */
export const ROUTER_TOPIC_LEVELS = 100;

/** The aedes options that carry our limits. */
export function aedesLimitOptions(limits: BrokerLimits): AedesOptions {
  return {
    // A subscriber whose socket stays full this long is disconnected; without it one stuck screen would
    // hold aedes' delivery slots until no device could be served (the aedes docs call it a DoS).
    drainTimeout: limits.drain_timeout_ms,
    // Packets a client may pipeline before its CONNECT is accepted; past it aedes drops the connection,
    // so an unauthenticated client cannot queue unbounded work behind a slow password check.
    queueLimit: limits.queue_limit,
    // A socket that never sends CONNECT holds a file descriptor and a slot; close it after this.
    connectTimeout: limits.connect_timeout_ms,
    maxTopicLevels: ROUTER_TOPIC_LEVELS,
    // aedes applies this to MQTT 3.1 only; we check `max_client_id_length` for every version in auth.ts.
    maxClientsIdLength: limits.max_client_id_length,
  };
}

/** Topic levels, counted as MQTT does: "a/b" has 2, "a/" has 2, "" has 1. */
export function topicLevels(topic: string): number {
  let levels = 1;
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) levels++;
  return levels;
}

/**
 * Per-client publish rate (token bucket). A device stuck in a loop — or a compromised one — would
 * otherwise fill the ingest, the dead-letter table and the event loop, starving the other devices.
 * `rate` tokens per second refill a bucket of `burst`; each publish takes one. The excess is refused
 * and traced (§4), never disconnected, so the device's steady traffic keeps flowing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number = performance.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled completely (it then holds nothing worth remembering). */
  isFull(now: number = performance.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.rate);
      this.last = now;
    }
  }
}

/**
 * Addresses remembered by the connection rate before full buckets are forgotten. A full bucket is the
 * state of an address never seen, so forgetting it changes nothing; past this bound even with no full
 * bucket (a flood from more addresses than this) the oldest are forgotten, keeping memory bounded.
 */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * New connections per network address (`connect_rate_per_s`, `connect_burst`). Applied when a socket is
 * accepted, before a byte of it is read: the cheapest point to stop one host from opening sockets by the
 * thousand (each holds a slot until the connect timeout) or timing password checks in bulk. Devices on
 * other addresses are not touched by another host's flood.
 */
export class ConnectionRate {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  /** Takes a connection from the address's bucket; false when it is over its rate. */
  take(address: string, now: number = performance.now()): boolean {
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.forget(now);
      bucket = new TokenBucket(this.rate, this.burst, now);
      this.buckets.set(address, bucket);
    }
    return bucket.take(now);
  }

  get tracked(): number {
    return this.buckets.size;
  }

  private forget(now: number): void {
    for (const [address, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(address);
    // Maps iterate in insertion order: the first are the addresses seen longest ago.
    for (const address of this.buckets.keys()) {
      if (this.buckets.size < MAX_TRACKED_ADDRESSES) break;
      this.buckets.delete(address);
    }
  }
}
