/**
 * The outbox's option and result shapes, and how the gateway's config maps onto the options
 * (`uplink.outbox_max_bytes`, `uplink.outbox_max_age_h`, `gateway.id`).
 */
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/schema.js';
import type { SqliteDatabase } from '../database.js';
import type { OutboxStream } from './streams.js';

export interface OutboxOptions {
  /** Prefix of every record id (`<gateway>:<stream>:<seq>`, ARCHITECTURE §7). */
  gatewayId: string;
  /** Own connection to this SQLite file (recommended: `<data-dir>/outbox.db`). */
  path?: string;
  /** Or a shared connection; migrations are applied to it and it is not closed by `stop()`. */
  database?: SqliteDatabase;
  maxBytes: number;
  maxAgeMs: number;
  /** Clock in ms since epoch; tests move it. */
  now?: () => number;
}

export interface OutboxStats {
  backlog: Record<OutboxStream, number>;
  backlogTotal: number;
  /** Bytes held, pending and acked-kept-for-resend. */
  bytes: number;
  oldestPendingAt: string | null;
  droppedTotal: number;
  droppedUnreported: number;
}

export interface RequeueRange {
  fromMs: number;
  toMs: number;
  streams?: readonly OutboxStream[];
}

/** The options a gateway builds from its validated config: an outbox file of its own in the data dir. */
export function outboxOptionsFromConfig(
  config: Pick<GatewayConfig, 'gateway' | 'uplink'>,
  dataDir: string,
): OutboxOptions {
  return {
    gatewayId: config.gateway.id,
    path: join(dataDir, 'outbox.db'),
    maxBytes: config.uplink.outbox_max_bytes,
    maxAgeMs: config.uplink.outbox_max_age_h * 3600_000,
  };
}
