/**
 * Writing a batch of records as outbox rows, inside the Outbox's durable transaction: each record is
 * checked and serialised, a keyed record whose source key the stream already holds is answered with
 * its first id instead of a new row (keys.ts), the others get the next seqs. The Outbox keeps
 * the per-stream state and the bounds; this file only turns records into rows.
 */
import { recordDigest, type SourceKeys } from './keys.js';
import { byteLength, recordJson, withOutboxKeys } from './records.js';
import type { OutboxStatements } from './statements.js';
import { type OutboxStream, recordId } from './streams.js';

export interface RowWriter {
  sql: OutboxStatements;
  keys: SourceKeys;
  gatewayId: string;
  /** ms since epoch, the same for the whole batch. */
  producedAt: number;
}

export interface WrittenRows {
  /** One id per record, in the caller's order (a known key's first id). */
  ids: string[];
  /** The stream's next seq after the rows written; equal to `firstSeq` when nothing was new. */
  nextSeq: number;
  /** UTF-8 bytes of the bodies written. */
  bytes: number;
}

export function writeRecords(
  writer: RowWriter,
  stream: OutboxStream,
  firstSeq: number,
  records: readonly object[],
  keys: readonly string[] | undefined,
): WrittenRows {
  const { sql, gatewayId, producedAt } = writer;
  // Every record is checked before any row is written, so the error names the first bad record.
  const jsons = records.map((record, index) => recordJson(stream, index, record));
  const producedIso = new Date(producedAt).toISOString();
  const ids: string[] = [];
  let seq = firstSeq;
  let bytes = 0;
  jsons.forEach((json, index) => {
    const key = keys?.[index];
    if (key !== undefined) {
      const known = knownId(writer, stream, key, index, json);
      if (known !== undefined) {
        ids.push(known);
        return;
      }
    }
    const id = recordId(gatewayId, stream, seq);
    const body = withOutboxKeys(json, id, producedIso);
    const size = byteLength(body);
    sql.insert.run(stream, seq, producedAt, size, body);
    if (key !== undefined) writer.keys.remember(stream, key, seq, recordDigest(json));
    ids.push(id);
    bytes += size;
    seq += 1;
  });
  // Only an append that added rows moves the key memory on: a retry that matched every key must not
  // forget the keys of the append it repeats.
  if (keys !== undefined && seq > firstSeq) writer.keys.trim(stream, firstSeq, seq);
  return { ids, nextSeq: seq, bytes };
}

/** The id a source key already has in this stream, or undefined; throws if its content differs. */
function knownId(
  writer: RowWriter,
  stream: OutboxStream,
  key: string,
  index: number,
  json: string,
): string | undefined {
  const known = writer.keys.lookup(stream, key);
  if (known === undefined) return undefined;
  const id = recordId(writer.gatewayId, stream, known.seq);
  if (known.digest !== recordDigest(json)) {
    throw new TypeError(
      `outbox.append(${stream}): keys[${index}] ${JSON.stringify(key)} was appended before as ${id} with other content; a source key names one record`,
    );
  }
  return id;
}
