/**
 * Payload bytes as text: where UTF-8 breaks (for the refusal detail) and the sample a dead-letter row
 * keeps — text when the payload is UTF-8, `hex:`-prefixed otherwise, so binary garbage stays readable
 * and a row never holds a lossy U+FFFD rendering of what the device really sent.
 */
import { isUtf8 } from 'node:buffer';

export const HEX_PREFIX = 'hex:';

/** Range a second byte may take after each lead byte, per RFC 3629 §4 (no overlongs, no surrogates). */
function secondByteRange(lead: number): [length: number, low: number, high: number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return undefined;
}

/** Offset of the first byte that breaks UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const range = secondByteRange(lead);
    if (range === undefined) return i;
    const [length, low, high] = range;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return -1;
}

export function describeBadUtf8(payload: Buffer): string {
  const at = firstInvalidUtf8(payload);
  const byte = (payload[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return `payload is not UTF-8 text (byte 0x${byte} at offset ${at}); JSON streams take UTF-8 JSON`;
}

/** At most `maxBytes` of the payload, as text or `hex:…`. */
export function payloadSample(payload: Buffer, maxBytes: number): string {
  if (maxBytes <= 0 || payload.length === 0) return '';
  if (!isUtf8(payload)) return HEX_PREFIX + payload.subarray(0, maxBytes).toString('hex');
  let end = Math.min(maxBytes, payload.length);
  // Cut before a character, never inside one: step back over continuation bytes (10xxxxxx).
  while (end < payload.length && end > 0 && ((payload[end] as number) & 0xc0) === 0x80) end--;
  return payload.toString('utf8', 0, end);
}
