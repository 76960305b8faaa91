/**
 * Shared pieces of the uplink tests: a config section, a simulated hour of aggregates per stream, and
 * the order check. The hour is synthetic but shaped like the aggregator's output (ARCHITECTURE §5
 * bins): per-minute footfall, zone, shelf, signage and status records; 15-minute heatmaps (the big
 * records) and path transitions; a few alerts.
 */
import { expect } from 'vitest';
import type { UplinkConfig } from '../../src/config/schema.js';
import type { Outbox, OutboxStream } from '../../src/store/outbox/outbox.js';
import type { ReceivedMessage } from './cloud-collector.js';

export function uplinkConfig(url: string | undefined, overrides: Partial<UplinkConfig> = {}): UplinkConfig {
  return {
    ...(url === undefined ? {} : { url }),
    topic_prefix: 'omo',
    batch_max_records: 50,
    batch_max_wait_ms: 20,
    gzip: false,
    outbox_max_bytes: 64 * 1024 ** 2,
    outbox_max_age_h: 168,
    reconnect_min_ms: 100,
    reconnect_max_ms: 400,
    path_records_every: 'bin',
    ...overrides,
  };
}

/** A clock the outbox reads, so `produced_at` can follow a simulated hour. */
export class SimClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
}

export interface Produced {
  id: string;
  stream: OutboxStream;
  producedAt: number;
}

/**
 * Appends one simulated hour starting at `startMs`, minute by minute; each minute's records are
 * produced when the bin closes (plus a 5 s watermark). Returns every id with its production time.
 */
export function appendSimulatedHour(outbox: Outbox, clock: SimClock, startMs: number): Produced[] {
  const produced: Produced[] = [];
  const add = (stream: OutboxStream, records: object[]): void => {
    for (const id of outbox.append(stream, records)) produced.push({ id, stream, producedAt: clock.ms });
  };
  for (let minute = 0; minute < 60; minute += 1) {
    const binStart = new Date(startMs + minute * 60_000).toISOString();
    clock.ms = startMs + (minute + 1) * 60_000 + 5000;
    add('footfall', [
      { bin_start: binStart, bin_s: 60, line: 'entrance', in: minute % 7, out: minute % 5, groups_in: minute % 4 },
      { bin_start: binStart, bin_s: 60, line: 'side-door', in: minute % 3, out: minute % 2, groups_in: minute % 2 },
    ]);
    add(
      'zones',
      ['produce', 'bakery', 'dairy', 'checkout', 'entrance', 'promo'].map((zone, i) => ({
        bin_start: binStart,
        bin_s: 60,
        zone,
        visits: (minute + i) % 9,
        dwells: (minute + i) % 4,
        occupancy_max: (minute * i) % 6,
        occupancy_mean: ((minute * i) % 6) / 2,
        dwell_p50_s: 12.5 + i,
        dwell_p90_s: 41 + i,
      })),
    );
    add(
      'shelf',
      [0, 1, 2, 3].map((lane) => ({
        bin_start: binStart,
        shelf: 'shelf-1',
        lane,
        stock: 20 - ((minute + lane) % 20),
        pickups: lane,
      })),
    );
    add('signage', [
      { bin_start: binStart, screen: 'screen-1', plays: 4, impressions: minute % 11 },
      { bin_start: binStart, screen: 'screen-2', plays: 4, impressions: minute % 13 },
    ]);
    add('status', [{ type: 'gateway', devices_online: 12, devices_total: 12, rss_mb: 96 + (minute % 3) }]);
    if (minute % 15 === 14) {
      const quarterStart = new Date(startMs + (minute - 14) * 60_000).toISOString();
      const cells = Array.from({ length: 60 * 40 }, (_, i) => ((i * 7 + minute) % 13) * 0.5);
      add('heatmap', [{ bin_start: quarterStart, bin_s: 900, cell_m: 0.5, cols: 60, rows: 40, cells }]);
      add(
        'paths',
        ['entrance>produce', 'produce>bakery', 'bakery>dairy', 'dairy>checkout', 'other'].map((transition, i) => ({
          bin_start: quarterStart,
          bin_s: 900,
          transition,
          count: 5 + i,
        })),
      );
    }
    if (minute % 20 === 7) add('alerts', [{ type: 'low_stock', shelf: 'shelf-1', lane: 2, stock: 1, at: binStart }]);
  }
  return produced;
}

export function seqOf(id: string): number {
  return Number(id.slice(id.lastIndexOf(':') + 1));
}

/**
 * Order per stream (ARCHITECTURE §7): on each stream topic, message seqs strictly increase and, taking
 * each record at its first arrival, record seqs strictly increase too (a re-sent batch after a lost
 * PUBACK repeats ids already seen, which a deduplicating consumer ignores).
 */
export function expectOrderPerStream(messages: readonly ReceivedMessage[]): void {
  const byTopic = new Map<string, ReceivedMessage[]>();
  for (const message of messages) {
    if (message.envelope.seq === 0) continue; // connection-state messages on the status topic
    byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
  }
  for (const [topic, list] of byTopic) {
    const seen = new Set<string>();
    let lastMessageSeq = 0;
    let lastRecordSeq = 0;
    let lastIds = '';
    for (const message of list) {
      const ids = message.envelope.records.map((record) => record.id).join(' ');
      // The broker may deliver one message twice (QoS 1 redelivery to the subscriber after its restart),
      // and a redelivery may come after newer messages: a message whose every record was already seen is
      // a replay, which the cloud drops by id (§7), so only first arrivals are held to the order.
      if (message.envelope.seq === lastMessageSeq && ids === lastIds) continue;
      if (message.envelope.records.length > 0 && message.envelope.records.every((record) => seen.has(record.id)))
        continue;
      expect(message.envelope.seq, `${topic} message seq`).toBeGreaterThan(lastMessageSeq);
      lastMessageSeq = message.envelope.seq;
      lastIds = ids;
      for (const record of message.envelope.records) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        expect(seqOf(record.id), `${topic} record ${record.id} after seq ${lastRecordSeq}`).toBeGreaterThan(
          lastRecordSeq,
        );
        lastRecordSeq = seqOf(record.id);
      }
    }
  }
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
