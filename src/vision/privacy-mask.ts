/**
 * Per-camera privacy and ignore masks (issue 9 point 3): polygons in the camera's image pixels whose
 * area the detector must not see — a till screen, a staff door, a poster that looks like a person. They
 * are rasterised once per camera and frame size onto the model input's grid (where the letterboxed
 * image sits), and pre-processing writes the blank value there instead of the pixel. Blanking on the
 * input grid rather than the full frame costs nothing per frame and leaves no resampled edge of the
 * hidden content around the polygon.
 */
import type { Letterbox } from './preprocess.js';

export type ImagePolygon = readonly (readonly [number, number])[];

/**
 * One byte per input cell, 1 = blank. A cell is blanked when its centre, mapped back to image pixels,
 * is inside any polygon (even-odd rule, as the floor zones use).
 */
export function rasteriseMask(polygons: readonly ImagePolygon[], box: Letterbox): Uint8Array {
  const mask = new Uint8Array(box.inputWidth * box.inputHeight);
  for (let row = 0; row < box.inputHeight; row++) {
    const v = (row + 0.5 - box.padY) / box.scale;
    if (v < 0 || v >= box.imageHeight) continue;
    for (const polygon of polygons) {
      for (const [from, to] of spansOnRow(polygon, v)) {
        // Image x → input column whose centre is inside the span.
        const first = Math.max(0, Math.ceil(from * box.scale + box.padX - 0.5));
        const last = Math.min(box.inputWidth - 1, Math.floor(to * box.scale + box.padX - 0.5));
        // The spans of one polygon are disjoint; setting (not toggling) makes overlapping polygons a union.
        mask.fill(1, row * box.inputWidth + first, row * box.inputWidth + last + 1);
      }
    }
  }
  return mask;
}

/** The x-intervals of one polygon on the horizontal line y = v, by the even-odd rule. */
function spansOnRow(polygon: ImagePolygon, v: number): [number, number][] {
  const xs: number[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a === undefined || b === undefined) continue;
    const [ax, ay] = a;
    const [bx, by] = b;
    // Half-open in y so a vertex on the line is counted once.
    if (ay <= v !== by <= v) xs.push(ax + ((v - ay) / (by - ay)) * (bx - ax));
  }
  xs.sort((p, q) => p - q);
  const spans: [number, number][] = [];
  for (let i = 0; i + 1 < xs.length; i += 2) spans.push([xs[i] as number, xs[i + 1] as number]);
  return spans;
}
