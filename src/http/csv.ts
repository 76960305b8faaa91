/**
 * CSV for the API's `format=csv` (ARCHITECTURE §8), RFC 4180: comma separated, CRLF line ends, a
 * header row, and a field quoted when it holds a comma, a quote, CR or LF (quotes doubled inside).
 * Values map the way JSON would show them, so a CSV reader gets back what the JSON says: null,
 * undefined and non-finite numbers become empty fields, dates ISO-8601, nested objects their JSON text.
 *
 * Safe to open in a spreadsheet (issue 8 point 5, OWASP "CSV Injection"): a text cell that begins with
 * `=`, `+`, `-`, `@`, tab or CR would be read as a formula (`=HYPERLINK(…)` in a device's topic, sent
 * to an HQ analyst), so it is written with a single quote in front, which spreadsheets show as text and
 * keep out of the cell's value. That is the one change made to a value. Numbers the gateway itself
 * produces (JS numbers: counts, means, a negative revision delta) are written as numbers, `-3` as
 * `-3`: a number is not a formula, and quoting it would turn every negative figure into text a
 * spreadsheet cannot sum. Text that merely looks like a number (a device's `"-3"`) is text and gets
 * the quote. Every CSV the gateway writes goes through toCsv (src/http/respond.ts).
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
  const text = typeof value === 'string' ? neutralised(value) : csvText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP): = + - @ tab CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text that a spreadsheet would evaluate, made inert with a leading single quote. */
export function neutralised(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  // JSON text of an object or array starts with { or [, never a formula character.
  return JSON.stringify(value) ?? '';
}
