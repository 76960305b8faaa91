/**
 * Wall-clock time in the store's IANA time zone (config `store.timezone`), with nothing but Intl:
 * the offset of a zone at an instant, a local wall time to its instant, and the store day holding an
 * instant. Day bins and `/summary/daily` cut days here (ARCHITECTURE §8: `from`/`to` in the store's
 * time zone); minute, 15-minute and hour bins stay UTC-aligned (§5 "Bins").
 *
 * Decisions for wall times that are not one instant:
 * - in a DST gap (spring forward: 02:30 does not exist in Berlin), the time is read with the offset in
 *   force before the change, which lands on the instant the clocks jumped past it (02:30 → 03:30 CEST);
 *   a day whose midnight is skipped therefore starts at the jump;
 * - in a DST overlap (fall back: 02:30 happens twice), the earlier instant is taken.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws an error naming `store.timezone` unless Intl knows the zone. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatterOf(timeZone);
  } catch {
    throw new Error(`store.timezone: ${JSON.stringify(timeZone)} is not an IANA time zone this Node.js knows`);
  }
}

/** Local time minus UTC at instant `ms`, in ms (Berlin in summer: +7,200,000). */
export function offsetMs(timeZone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(whole))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return asUtc - whole;
}

/**
 * The instant of a local wall time, given as the epoch ms that wall time would have in UTC
 * (`Date.UTC(y, m, d, h, min, s)`). Offsets a day before and after cover any single transition.
 */
export function wallToInstant(timeZone: string, wallMs: number): number {
  const before = offsetMs(timeZone, wallMs - DAY_MS);
  const after = offsetMs(timeZone, wallMs + DAY_MS);
  const candidates = [wallMs - before, wallMs - after].filter((t) => offsetMs(timeZone, t) === wallMs - t);
  if (candidates.length === 0) return wallMs - before; // in a gap: the offset before the change
  return Math.min(...candidates);
}

/** The wall clock at instant `ms`, as the epoch ms those wall fields would have in UTC. */
export function wallOf(timeZone: string, ms: number): number {
  return ms + offsetMs(timeZone, ms);
}

/** The store day holding instant `ms`: [start, end) in epoch ms, 23–25 h long around DST changes. */
export function storeDayOf(timeZone: string, ms: number): { start: number; end: number } {
  const midnight = Math.floor(wallOf(timeZone, ms) / DAY_MS) * DAY_MS;
  // A skipped midnight reads as the jump: the first instant that has this date on the wall clock.
  const start = wallToInstant(timeZone, midnight);
  const end = wallToInstant(timeZone, midnight + DAY_MS);
  return { start, end };
}

/** `YYYY-MM-DD` of the store day holding `ms`. */
export function localDate(timeZone: string, ms: number): string {
  return new Date(wallOf(timeZone, ms)).toISOString().slice(0, 10);
}

/** ISO-8601 with the zone's offset at that instant: `2026-03-28T14:00:00+01:00`. */
export function localIso(timeZone: string, ms: number): string {
  const offset = offsetMs(timeZone, ms);
  const wall = new Date(ms + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+ -]\d{2}:?\d{2})?$/i;

/**
 * Reads an ISO-8601 date or date-time (`2026-03-28`, `2026-03-28T09:30`, `…:15.250`, with `Z` or
 * `±HH:MM` or without an offset). Without an offset the wall time is read in `timeZone`. A space
 * before the offset is read as `+`: that is what an unencoded `+` in a URL query arrives as. Returns
 * the instant in epoch ms, or a reason the text is refused.
 */
export function parseStoreTime(text: string, timeZone: string): { ms: number } | { error: string } {
  const match = ISO_TIME.exec(text.trim());
  if (!match) return { error: 'must be an ISO-8601 date or date-time, e.g. 2026-03-28 or 2026-03-28T09:30:00+01:00' };
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', rawZone] = match;
  const zone = rawZone?.replace(' ', '+');
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Date.UTC maps years 0-99 to 1900-1999; no gateway has data from before the epoch anyway.
  if (year < 1970) return { error: `has year ${y}; years before 1970 are not accepted` };
  if (month < 1 || month > 12) return { error: `has month ${mo}; months are 01-12` };
  if (day < 1 || day > daysInMonth) return { error: `has day ${d}; ${y}-${mo} has ${daysInMonth} days` };
  if (hour > 23 || minute > 59 || second > 59) return { error: `has time ${h}:${mi}:${s}; out of range` };
  const millis = Math.floor(Number(`0.${frac || '0'}`) * 1000);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (zone === undefined) return { ms: wallToInstant(timeZone, wall) };
  if (zone.toUpperCase() === 'Z') return { ms: wall };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offH = Number(digits.slice(0, 2));
  const offM = Number(digits.slice(2));
  if (offH > 18 || offM > 59) return { error: `has offset ${zone}; out of range` };
  return { ms: wall - sign * (offH * 60 + offM) * 60_000 };
}
