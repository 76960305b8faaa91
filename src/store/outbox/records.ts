/**
 * Turning caller objects into outbox rows. The body is the record exactly as it will be uplinked,
 * with the outbox-owned keys first: `id` (ARCHITECTURE §7 idempotency id) and `produced_at` (when the
 * gateway produced it; the resend command selects by it). Serialising once here lets the uplink build
 * a batch by joining stored strings instead of parsing and re-serialising every record.
 */
import type { OutboxStream } from './streams.js';

/** A pending record as the uplink reads it. */
export interface OutboxRecord {
  id: string;
  stream: OutboxStream;
  seq: number;
  /** ms since epoch. */
  producedAt: number;
  /** JSON text of the record, `id` and `produced_at` included. */
  body: string;
}

const RESERVED_KEYS = ['id', 'produced_at'] as const;

/**
 * The caller's record as JSON text, checked: an object, without the keys the outbox owns, serialisable.
 * Kept apart from `withOutboxKeys` so an idempotent append can compare a record before it has an id.
 */
export function recordJson(stream: OutboxStream, index: number, record: unknown): string {
  const where = `outbox.append(${stream}): record ${index}`;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new TypeError(`${where} must be a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
  }
  for (const key of RESERVED_KEYS) {
    if (Object.hasOwn(record, key)) {
      throw new TypeError(`${where} has its own "${key}"; the outbox assigns it (ARCHITECTURE §7)`);
    }
  }
  try {
    return JSON.stringify(record);
  } catch (error) {
    throw new TypeError(`${where} is not JSON-serialisable: ${(error as Error).message}`);
  }
}

/** The body as uplinked: `id` and `produced_at` first, then the caller's keys. */
export function withOutboxKeys(json: string, id: string, producedAtIso: string): string {
  const head = `{"id":${JSON.stringify(id)},"produced_at":"${producedAtIso}"`;
  return json === '{}' ? `${head}}` : `${head},${json.slice(1)}`;
}

/** UTF-8 size, which is what the byte bound limits (the SD card holds bytes, not characters). */
export function byteLength(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}
