/**
 * Idempotent appends (ARCHITECTURE §7, §11 "none delivered twice"). A producer whose own bookkeeping
 * lives in another SQLite file cannot commit it in the outbox's transaction: the aggregate store stages
 * a bin's records in `omo.db`, appends them here, then clears them there. A kill -9 between those two
 * commits would append the same records again at the next start — under new ids, which the cloud
 * cannot recognise as replays. So such a producer gives each record a stable source key (the aggregate
 * store: bin start, bin length and revision); the outbox stores it UNIQUE per stream, and appending a
 * key it already holds inserts nothing and returns the id the record got the first time.
 *
 * Keys outlive their rows: a record may be acked and evicted, or dropped by the age bound while the
 * gateway was off, before the producer's retry — and a dropped record must stay dropped (it is counted
 * as such), an acked one must not come back under a second id. Memory is bounded by count instead: per
 * stream the keys of the newest `SOURCE_KEY_MEMORY` records and of the whole last keyed append are kept
 * (a retry after a crash repeats the producer's last append, so that is what must be remembered).
 * A key names one record for ever: appending it again with other content is a producer bug and throws.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../database.js';
import type { OutboxStream } from './streams.js';

export interface AppendOptions {
  /** One stable source key per record (same order), e.g. `2024-03-01T09:00:00.000Z/60/r1`. */
  keys?: readonly string[];
}

/** Longest source key accepted, in characters. */
export const SOURCE_KEY_MAX_LENGTH = 256;
/** Keyed records per stream whose keys are remembered at least (≈ 100 bytes each on disk). */
export const SOURCE_KEY_MEMORY = 4096;

/** Checks `options.keys` against the records; returns them, or undefined for an unkeyed append. */
export function checkKeys(
  stream: OutboxStream,
  recordCount: number,
  options: AppendOptions | undefined,
): readonly string[] | undefined {
  const keys = options?.keys;
  if (keys === undefined) return undefined;
  const where = `outbox.append(${stream})`;
  if (!Array.isArray(keys)) throw new TypeError(`${where}: keys must be an array of strings`);
  if (keys.length !== recordCount) {
    throw new TypeError(
      `${where}: keys has ${keys.length} entries for ${recordCount} records; give one key per record`,
    );
  }
  keys.forEach((key: unknown, index) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > SOURCE_KEY_MAX_LENGTH) {
      throw new TypeError(
        `${where}: keys[${index}] must be a non-empty string of at most ${SOURCE_KEY_MAX_LENGTH} characters`,
      );
    }
  });
  return keys;
}

/** A digest of the record's JSON text, so a key re-appended with other content is caught. */
export function recordDigest(json: string): string {
  return createHash('sha256').update(json).digest('base64url');
}

interface KnownKey {
  seq: number;
  digest: string;
}

/** The key table's statements; every method runs inside the outbox's transaction. */
export class SourceKeys {
  private readonly find: Statement<[string, string], KnownKey>;
  private readonly add: Statement<[string, string, number, string]>;
  private readonly forget: Statement<[string, number]>;

  constructor(db: SqliteDatabase) {
    this.find = db.prepare('SELECT seq, digest FROM outbox_source_keys WHERE stream = ? AND source_key = ?');
    this.add = db.prepare('INSERT INTO outbox_source_keys (stream, source_key, seq, digest) VALUES (?, ?, ?, ?)');
    this.forget = db.prepare('DELETE FROM outbox_source_keys WHERE stream = ? AND seq < ?');
  }

  lookup(stream: OutboxStream, key: string): KnownKey | undefined {
    return this.find.get(stream, key);
  }

  remember(stream: OutboxStream, key: string, seq: number, digest: string): void {
    this.add.run(stream, key, seq, digest);
  }

  /** After a keyed append that used seqs from `firstSeq` up to `nextSeq - 1`. */
  trim(stream: OutboxStream, firstSeq: number, nextSeq: number): void {
    const below = Math.min(firstSeq, nextSeq - SOURCE_KEY_MEMORY);
    if (below > 1) this.forget.run(stream, below);
  }
}
