/**
 * The uplink streams (ARCHITECTURE §7). Each stream has its own topic, its own record sequence and its
 * own order; the outbox keeps one queue per stream so a slow stream never holds back another.
 */
export const OUTBOX_STREAMS = [
  'footfall',
  'zones',
  'paths',
  'heatmap',
  'shelf',
  'signage',
  'alerts',
  'status',
] as const;

export type OutboxStream = (typeof OUTBOX_STREAMS)[number];

export function isOutboxStream(value: unknown): value is OutboxStream {
  return typeof value === 'string' && (OUTBOX_STREAMS as readonly string[]).includes(value);
}

/** Drop reports travel on the alerts stream: HQ watches it for anything a person should act on. */
export const DROP_REPORT_STREAM: OutboxStream = 'alerts';

/** `<gateway>:<stream>:<seq>` — ids the cloud deduplicates by (ARCHITECTURE §7). */
export function recordId(gatewayId: string, stream: OutboxStream, seq: number): string {
  return `${gatewayId}:${stream}:${seq}`;
}

/**
 * Splits an id made by `recordId`. Gateway ids cannot contain ':' (config pattern), so the last two
 * separators are unambiguous. Returns null for anything that is not one of this gateway's ids.
 */
export function parseRecordId(gatewayId: string, id: string): { stream: OutboxStream; seq: number } | null {
  const prefix = `${gatewayId}:`;
  if (!id.startsWith(prefix)) return null;
  const rest = id.slice(prefix.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return null;
  const stream = rest.slice(0, colon);
  const seqText = rest.slice(colon + 1);
  if (!isOutboxStream(stream) || !/^[1-9][0-9]{0,15}$/.test(seqText)) return null;
  return { stream, seq: Number(seqText) };
}
