/**
 * CSV for the API's `format=csv` (ARCHITECTURE §8), RFC 4180: comma separated, CRLF line ends, a
 * header row, and a field quoted when it holds a comma, a quote, CR or LF (quotes doubled inside).
 * Values map the way JSON would show them, so a CSV reader gets back what the JSON says: null,
 * undefined and non-finite numbers become empty fields, dates ISO-8601, nested objects their JSON text.
 * Values are never altered otherwise (no formula escaping): the file must round-trip exactly.
 */

export type CsvRow = Readonly<Record<string, unknown>>;

/** Column order: `columns` when given, else every key in the order first seen across the rows. */
export function toCsv(rows: readonly CsvRow[], columns?: readonly string[]): string {
  const header = columns ?? columnsOf(rows);
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(header.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function columnsOf(rows: readonly CsvRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

export function csvField(value: unknown): string {
  const text = csvText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? '';
}
