/**
 * Track files for `analyze` and `replay` (ARCHITECTURE §9):
 *   csv    — `t,id,x,y`: event time in seconds, any id, floor metres; a header row is optional and, when
 *            present, may name the columns in any order (extra named columns are ignored).
 *   obsmat — OpenTraj ETH/UCY: 8 whitespace-separated columns frame, ped id, pos_x, pos_z, pos_y, v_x,
 *            v_z, v_y; we use pos_x and pos_y, and t = frame / fps (fps defaults to the datasets' 25 fps
 *            frame clock).
 * Blank lines and lines starting with `#` are skipped. A bad row is an error naming the line and field.
 */
import { readFile } from 'node:fs/promises';

export interface TrackRow {
  t: number;
  id: string;
  x: number;
  y: number;
}

export type TrackFormat = 'csv' | 'obsmat';

export class TracksFileError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source} line ${line}: ${message}`);
    this.name = 'TracksFileError';
  }
}

function number(text: string, field: string, source: string, line: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value))
    throw new TracksFileError(source, line, `${field} is not a finite number (${JSON.stringify(text)})`);
  return value;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f;
}

function lines(text: string): { n: number; line: string }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ n: i + 1, line: line.trim() }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
}

export function parseCsvTracks(text: string, source = 'tracks'): TrackRow[] {
  const rows = lines(text);
  const columns = { t: 0, id: 1, x: 2, y: 3 };
  let width = 4;
  let start = 0;
  const first = rows[0];
  if (first !== undefined && !Number.isFinite(Number(unquote(first.line.split(',')[0] ?? '')))) {
    const names = first.line.split(',').map((name) => unquote(name).toLowerCase());
    for (const key of ['t', 'id', 'x', 'y'] as const) {
      const index = names.indexOf(key);
      if (index < 0) throw new TracksFileError(source, first.n, `header has no "${key}" column (expected t,id,x,y)`);
      columns[key] = index;
    }
    width = names.length;
    start = 1;
  }
  const out: TrackRow[] = [];
  for (let r = start; r < rows.length; r++) {
    const { n, line } = rows[r] as { n: number; line: string };
    const fields = line.split(',');
    if (fields.length !== width) {
      throw new TracksFileError(source, n, `expected ${width} comma-separated fields (t,id,x,y), got ${fields.length}`);
    }
    const id = unquote(fields[columns.id] as string);
    if (id === '') throw new TracksFileError(source, n, 'id is empty');
    out.push({
      t: number(unquote(fields[columns.t] as string), 't', source, n),
      id,
      x: number(unquote(fields[columns.x] as string), 'x', source, n),
      y: number(unquote(fields[columns.y] as string), 'y', source, n),
    });
  }
  return out;
}

export function parseObsmatTracks(text: string, fps = 25, source = 'obsmat'): TrackRow[] {
  if (!Number.isFinite(fps) || fps <= 0) throw new Error(`fps must be a number greater than 0, got ${fps}`);
  const out: TrackRow[] = [];
  for (const { n, line } of lines(text)) {
    const fields = line.split(/\s+/);
    if (fields.length !== 8) {
      throw new TracksFileError(
        source,
        n,
        `expected 8 columns (frame, ped id, pos_x, pos_z, pos_y, v_x, v_z, v_y), got ${fields.length}`,
      );
    }
    const frame = number(fields[0] as string, 'frame', source, n);
    const ped = number(fields[1] as string, 'ped id', source, n);
    out.push({
      t: frame / fps,
      id: String(ped),
      x: number(fields[2] as string, 'pos_x', source, n),
      y: number(fields[4] as string, 'pos_y', source, n),
    });
  }
  return out;
}

export function parseTracks(
  text: string,
  format: TrackFormat,
  options: { fps?: number; source?: string } = {},
): TrackRow[] {
  if (format === 'csv') return parseCsvTracks(text, options.source);
  if (format === 'obsmat') return parseObsmatTracks(text, options.fps, options.source);
  throw new Error(`format must be csv or obsmat, got ${String(format)}`);
}

export async function readTracksFile(path: string, format: TrackFormat, fps?: number): Promise<TrackRow[]> {
  return parseTracks(await readFile(path, 'utf8'), format, { fps, source: path });
}
