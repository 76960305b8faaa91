/**
 * From decoded candidates to detections (issue 9 point 4): class-wise non-maximum suppression, boxes
 * mapped from the letterboxed input back to image pixels and clipped to the frame, then the box-size
 * filter — in image pixels, because that is what an installer measures on a camera's picture.
 */
import type { Letterbox } from '../preprocess.js';
import type { Candidate } from './gfl-decode.js';

export interface Detection {
  /** [left, top, width, height] in image pixels. */
  box: [number, number, number, number];
  score: number;
  label: string;
}

export interface PostprocessOptions {
  nmsIou: number;
  minAreaPx: number;
  maxAreaPx: number;
}

export function toDetections(
  candidates: readonly Candidate[],
  letterbox: Letterbox,
  labels: readonly string[],
  options: PostprocessOptions,
): Detection[] {
  const detections: Detection[] = [];
  for (const kept of suppress(candidates, options.nmsIou)) {
    const left = clamp((kept.x1 - letterbox.padX) / letterbox.scale, letterbox.imageWidth);
    const top = clamp((kept.y1 - letterbox.padY) / letterbox.scale, letterbox.imageHeight);
    const right = clamp((kept.x2 - letterbox.padX) / letterbox.scale, letterbox.imageWidth);
    const bottom = clamp((kept.y2 - letterbox.padY) / letterbox.scale, letterbox.imageHeight);
    const area = (right - left) * (bottom - top);
    if (area <= 0 || area < options.minAreaPx || area > options.maxAreaPx) continue;
    detections.push({
      box: [round(left), round(top), round(right - left), round(bottom - top)],
      score: Math.round(kept.score * 1e4) / 1e4,
      label: labels[kept.classIndex] ?? String(kept.classIndex),
    });
  }
  return detections;
}

/** Greedy NMS per class, best score first; the result is sorted by score, highest first. */
export function suppress(candidates: readonly Candidate[], iouLimit: number): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const candidate of sorted) {
    const overlaps = kept.some((k) => k.classIndex === candidate.classIndex && iou(k, candidate) > iouLimit);
    if (!overlaps) kept.push(candidate);
  }
  return kept;
}

export function iou(a: Candidate, b: Candidate): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

const clamp = (value: number, limit: number) => Math.min(limit, Math.max(0, value));
const round = (value: number) => Math.round(value * 10) / 10;
