/**
 * What the whole-gateway uplink tests share: the gateway's config (the zara01 floor plan with one
 * smart camera, short bins, the uplink to the test's Mosquitto), the ids the outbox ever assigned as
 * its own file says, and the cloud-side checks a deduplicating consumer would make (ARCHITECTURE §7:
 * ids, the highest revision per bin, no source key under two ids).
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { uplinkSourceKey } from '../../../src/aggregate/uplink-records.js';
import type { CloudCollector } from '../../uplink/cloud-collector.js';

export const CAMERA = 'cam-zara';

export interface GatewayYamlOptions {
  storeId: string;
  gatewayId: string;
  uplinkUrl: string;
  binS: number;
  /** `uplink.*` keys over the test defaults (fast batches and reconnects). */
  uplink?: Record<string, unknown>;
}

/** test/fixtures/zara01/config.yaml with the camera, short bins and the uplink. */
export function gatewayYaml(options: GatewayYamlOptions): string {
  const config = parse(readFileSync(new URL('../../fixtures/zara01/config.yaml', import.meta.url), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  config.store = { ...config.store, id: options.storeId };
  config.gateway = { ...config.gateway, id: options.gatewayId, log_level: 'error' };
  config.analysis = { ...config.analysis, bin_s: options.binS };
  return stringify({
    ...config,
    // The feeder replays a camera at up to 60x: far more frames per second than a real camera sends.
    broker: { limits: { publish_rate_per_s: 2000, publish_burst: 4000 } },
    // The feeder starts up to a few hours back, beyond the default back-fill window (max_past_s).
    ingest: { max_past_s: 86400 },
    devices: [{ id: CAMERA, kind: 'camera', camera: { type: 'smart' } }],
    uplink: {
      url: options.uplinkUrl,
      batch_max_records: 50,
      batch_max_wait_ms: 20,
      reconnect_min_ms: 100,
      reconnect_max_ms: 400,
      // One record per bin: the tests compare the cloud's records with HQ's bins one by one.
      path_records_every: 'bin',
      ...options.uplink,
    },
  });
}

export interface OutboxLedger {
  /** `<gateway>:<stream>:<seq>` for every seq the outbox ever handed out. */
  assigned: Set<string>;
  /** Of those, still waiting for a PUBACK. */
  pending: number;
  droppedTotal: number;
}

/** Reads `<data-dir>/outbox.db` (read-only; the gateway may be running: WAL lets both in). */
export function readOutbox(file: string, gatewayId: string): OutboxLedger {
  const db = new Database(file, { readonly: true });
  try {
    const streams = db.prepare('SELECT stream, next_seq FROM outbox_streams').all() as {
      stream: string;
      next_seq: number;
    }[];
    const assigned = new Set(
      streams.flatMap(({ stream, next_seq }) =>
        Array.from({ length: next_seq - 1 }, (_, i) => `${gatewayId}:${stream}:${i + 1}`),
      ),
    );
    const pending = db.prepare('SELECT COUNT(*) FROM outbox_records WHERE acked_at IS NULL').pluck().get() as number;
    const droppedTotal = db
      .prepare("SELECT value FROM outbox_counters WHERE name = 'dropped_total'")
      .pluck()
      .get() as number;
    return { assigned, pending, droppedTotal };
  } finally {
    db.close();
  }
}

export type BinRecord = Record<string, unknown> & { id: string; bin_start: string; bin_s: number; revision: number };

const streamOf = (id: string) => id.split(':').at(-2) ?? '';

/** Unique records of one aggregate stream, the highest revision per bin, by bin start ms. */
export function latestPerBin(cloud: CloudCollector, stream: string): Map<number, BinRecord> {
  const latest = new Map<number, BinRecord>();
  for (const record of cloud.uniqueRecords(stream).values()) {
    const bin = record as BinRecord;
    const start = Date.parse(bin.bin_start);
    const held = latest.get(start);
    if (held === undefined || held.revision < bin.revision) latest.set(start, bin);
  }
  return latest;
}

/**
 * (stream, source key) pairs that reached the cloud under more than one id — what kill -9 between
 * the outbox commit and the aggregate store's bookkeeping used to cause (§11). Empty when sound.
 */
export function sourceKeysUnderTwoIds(cloud: CloudCollector): string[] {
  const idsByKey = new Map<string, Set<string>>();
  for (const [id, record] of cloud.uniqueRecords()) {
    if (typeof record.bin_start !== 'string') continue; // drop reports and other unkeyed records
    const key = `${streamOf(id)} ${uplinkSourceKey(record as BinRecord)}`;
    const ids = idsByKey.get(key) ?? new Set<string>();
    ids.add(id);
    idsByKey.set(key, ids);
  }
  return [...idsByKey].filter(([, ids]) => ids.size > 1).map(([key, ids]) => `${key}: ${[...ids].join(', ')}`);
}

/** Records received, counting every copy, minus unique ids: the replays a consumer drops by id. */
export function replayedRecords(cloud: CloudCollector): number {
  const data = cloud.messages.filter((m) => m.envelope.seq > 0);
  return data.reduce((n, m) => n + m.envelope.records.length, 0) - cloud.uniqueRecords().size;
}

/** mulberry32: a seeded generator, so a failing crash run can be repeated with its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
