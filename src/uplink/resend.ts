/**
 * HQ's resend command (ARCHITECTURE §7): `<prefix>/<storeId>/v1/cmd/resend` with
 *   {"from": ISO-8601, "to": ISO-8601, "streams"?: ["footfall", …]}
 * re-queues the records the gateway produced in [from, to] (by `produced_at`, inclusive) that the cloud
 * already acknowledged, with their original ids, so the cloud's dedup keeps replays harmless. Records
 * still pending are on their way anyway. The reach is what the outbox still holds: acked rows are
 * kept until the age or byte bound evicts them; the reply says how far back that is.
 *
 * The reply goes to the command's MQTT 5 response topic with its correlation data when given
 * [MQTT-4.10], otherwise to `…/cmd/resend/reply`:
 *   {"ok":true,"requeued":n,"by_stream":{…},"oldest_available":ISO|null}
 *   {"ok":false,"error":{"code":"bad_request","message":"<names the field>"}}
 */
import { isOutboxStream, type OutboxStream } from '../store/outbox/streams.js';

export interface ResendRequest {
  fromMs: number;
  toMs: number;
  streams?: OutboxStream[];
}

/** Commands are tiny; anything bigger is not one of ours. */
const MAX_COMMAND_BYTES = 4096;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class ResendCommandError extends Error {}

export function parseResendCommand(payload: Buffer): ResendRequest {
  if (payload.length > MAX_COMMAND_BYTES) {
    throw new ResendCommandError(`resend command is ${payload.length} bytes; at most ${MAX_COMMAND_BYTES}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new ResendCommandError('resend command is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ResendCommandError('resend command must be a JSON object with "from" and "to"');
  }
  const { from, to, streams, ...rest } = body as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw new ResendCommandError(`resend command has unknown key "${unknownKey}"`);
  const fromMs = parseTime('from', from);
  const toMs = parseTime('to', to);
  if (fromMs > toMs) throw new ResendCommandError(`"from" (${String(from)}) is after "to" (${String(to)})`);
  if (streams === undefined) return { fromMs, toMs };
  if (!Array.isArray(streams) || streams.length === 0) {
    throw new ResendCommandError('"streams" must be a non-empty array of stream names');
  }
  for (const [index, stream] of streams.entries()) {
    if (!isOutboxStream(stream)) {
      throw new ResendCommandError(`"streams"[${index}] is ${JSON.stringify(stream)}, not an uplink stream`);
    }
  }
  return { fromMs, toMs, streams: [...new Set(streams as OutboxStream[])] };
}

function parseTime(field: 'from' | 'to', value: unknown): number {
  const ms = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ResendCommandError(`"${field}" must be an ISO-8601 date-time with a zone, got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function resendReply(
  requeued: ReadonlyMap<OutboxStream, number>,
  oldestAvailableMs: number | null,
): Record<string, unknown> {
  let total = 0;
  for (const n of requeued.values()) total += n;
  return {
    ok: true,
    requeued: total,
    by_stream: Object.fromEntries(requeued),
    oldest_available: oldestAvailableMs === null ? null : new Date(oldestAvailableMs).toISOString(),
  };
}

export function resendErrorReply(error: Error): Record<string, unknown> {
  return { ok: false, error: { code: 'bad_request', message: error.message } };
}
