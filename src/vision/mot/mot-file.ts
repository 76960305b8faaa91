/**
 * MOTChallenge 2D text files (https://motchallenge.net/instructions/, MOT15): one box per line,
 * `frame,id,bb_left,bb_top,bb_width,bb_height,conf,x,y,z`, frames 1-based, pixels. Detection files
 * carry id −1 and the detector's confidence in conf; ground truth carries the person's id and conf 0
 * for a box to ignore; tracker output carries the track id, conf 1 and −1 for x, y, z.
 */
import type { Box, Detection } from '../tracker/box.js';

export interface MotRow {
  frame: number;
  id: number;
  box: Box;
  conf: number;
}

export class MotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MotFormatError';
  }
}

/** Nine hours at 30 fps: a frame number beyond it is a broken file, not a sequence to allocate for. */
export const MAX_FRAME = 1_000_000;

const FIELDS = ['frame', 'id', 'bb_left', 'bb_top', 'bb_width', 'bb_height', 'conf'] as const;

/** Parses every non-blank line; `source` names the file in errors. */
export function parseMot(text: string, source: string): MotRow[] {
  const rows: MotRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    rows.push(parseLine(line, `${source} line ${i + 1}`));
  }
  return rows;
}

function parseLine(line: string, where: string): MotRow {
  const cells = line.split(/\s*,\s*|\s+/);
  if (cells.length < FIELDS.length) {
    throw new MotFormatError(
      `${where}: expected at least ${FIELDS.length} comma-separated fields (${FIELDS.join(',')}), got ${cells.length}`,
    );
  }
  const values = FIELDS.map((field, k) => {
    const value = Number(cells[k]);
    if (cells[k] === '' || !Number.isFinite(value))
      throw new MotFormatError(`${where}: ${field} must be a number, got "${cells[k]}"`);
    return value;
  }) as [number, number, number, number, number, number, number];
  const [frame, id, left, top, width, height, conf] = values;
  if (!Number.isInteger(frame) || frame < 1 || frame > MAX_FRAME) {
    throw new MotFormatError(`${where}: frame must be an integer from 1 to ${MAX_FRAME}, got ${frame}`);
  }
  if (!Number.isInteger(id)) throw new MotFormatError(`${where}: id must be an integer, got ${id}`);
  if (!(width > 0) || !(height > 0)) {
    throw new MotFormatError(`${where}: bb_width and bb_height must be above 0, got ${width}×${height}`);
  }
  return { frame, id, box: [left, top, width, height], conf };
}

/**
 * Detections per frame, for frames 1 to the last frame in the file (frames without a line are empty).
 * Scores must be a detector's confidences in [0, 1], as the tracker's thresholds are.
 */
export function detectionsByFrame(rows: readonly MotRow[], source: string): Detection[][] {
  const last = rows.reduce((max, row) => Math.max(max, row.frame), 0);
  const frames: Detection[][] = Array.from({ length: last }, () => []);
  rows.forEach((row, i) => {
    if (!(row.conf >= 0 && row.conf <= 1)) {
      throw new MotFormatError(
        `${source}: detection ${i + 1} (frame ${row.frame}) has conf ${row.conf}; detection scores must be confidences in [0, 1]`,
      );
    }
    (frames[row.frame - 1] as Detection[]).push({ box: row.box, score: row.conf });
  });
  return frames;
}

/** One tracker output line: `frame,id,left,top,width,height,1,-1,-1,-1`, boxes to 0.01 px. */
export function formatTrackLine(frame: number, id: number, box: Box): string {
  const [left, top, width, height] = box.map((v) => Number(v.toFixed(2)));
  return `${frame},${id},${left},${top},${width},${height},1,-1,-1,-1\n`;
}
