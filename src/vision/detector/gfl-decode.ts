/**
 * Decoding NanoDet's GFL head (Generalized Focal Loss, Li et al. 2020; the layout is in the model's
 * manifest and models/nanodet-416/README): per output stride, a grid of cells each with class scores
 * (already sigmoid) and, per box side, a distribution over reg_max + 1 bins. The expected bin times the
 * stride is the distance from the cell centre ((col + 0.5)·stride, (row + 0.5)·stride) to that side.
 * Only cells with a wanted class at or above the threshold are decoded: on a store camera that is a few
 * dozen of 3,549 cells, so the softmaxes cost nothing next to inference.
 */
import type { ModelManifest } from './manifest.js';

/** A box in model-input pixels, corners. */
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classIndex: number;
}

/** The raw output tensors of one inference, by output name. */
export type RawOutputs = Readonly<Record<string, Float32Array>>;

export function decodeGfl(
  manifest: ModelManifest,
  outputs: RawOutputs,
  classes: readonly number[],
  threshold: number,
): Candidate[] {
  const candidates: Candidate[] = [];
  const labels = manifest.labels.length;
  const bins = manifest.reg_max + 1;
  for (const level of manifest.outputs) {
    const scores = outputs[level.scores];
    const boxes = outputs[level.boxes];
    if (scores === undefined || boxes === undefined) {
      throw new Error(`model output ${level.scores} or ${level.boxes} (stride ${level.stride}) is missing`);
    }
    const columns = manifest.input.width / level.stride;
    const cells = columns * (manifest.input.height / level.stride);
    if (scores.length !== cells * labels || boxes.length !== cells * 4 * bins) {
      throw new Error(
        `model output sizes at stride ${level.stride} are ${scores.length} and ${boxes.length}, ` +
          `expected ${cells * labels} and ${cells * 4 * bins} from the manifest`,
      );
    }
    for (let cell = 0; cell < cells; cell++) {
      for (const classIndex of classes) {
        const score = scores[cell * labels + classIndex] as number;
        if (score < threshold) continue;
        const cx = ((cell % columns) + 0.5) * level.stride;
        const cy = (Math.floor(cell / columns) + 0.5) * level.stride;
        const base = cell * 4 * bins;
        const d = (side: number) => expectedBin(boxes, base + side * bins, bins) * level.stride;
        candidates.push({ x1: cx - d(0), y1: cy - d(1), x2: cx + d(2), y2: cy + d(3), score, classIndex });
      }
    }
  }
  return candidates;
}

/** Softmax over `bins` logits starting at `start`, then the expected bin index. */
function expectedBin(logits: Float32Array, start: number, bins: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < bins; k++) max = Math.max(max, logits[start + k] as number);
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < bins; k++) {
    const e = Math.exp((logits[start + k] as number) - max);
    sum += e;
    weighted += k * e;
  }
  return weighted / sum;
}
