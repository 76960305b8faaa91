/**
 * Detections made from ground truth the way a real detector errs, from a seed (the same seed gives the
 * same detections on every machine): boxes jittered in place and size; people missed in runs (an
 * occlusion lasts several frames) as well as alone; some people seen but with a low score (partly
 * hidden — ByteTrack's second stage is for them); false positives scattered over the frame with mostly
 * low scores, and some that persist for a few frames in one place (a poster, a reflection).
 */
import { Random } from '../../src/simulate/random.js';
import type { MotRow } from '../../src/vision/mot/mot-file.js';
import type { Box, Detection } from '../../src/vision/tracker/box.js';

export interface DetectorNoise {
  /** Box centre and size jitter, standard deviation as a fraction of the box size. */
  jitter: number;
  /** Chance per person and frame that an occlusion (a run of misses) starts, and its mean length. */
  occlusionStart: number;
  occlusionFrames: number;
  /** Chance per person and frame of a single miss. */
  miss: number;
  /** Chance that a person who is seen gets a low score (in [0.1, 0.6)). */
  lowScore: number;
  /** False positives per frame (mean of a Poisson count), and the chance one persists for 2–6 frames. */
  falsePositives: number;
  persistentFalsePositive: number;
  /** Detections scoring below this are left out, as published detection sets are often cut at 0.5. */
  cut: number;
}

export const MODERATE_NOISE: DetectorNoise = {
  jitter: 0.05,
  occlusionStart: 0.02,
  occlusionFrames: 4,
  miss: 0.08,
  lowScore: 0.15,
  falsePositives: 0.6,
  persistentFalsePositive: 0.2,
  cut: 0,
};

export function syntheticDetections(
  groundTruth: readonly MotRow[],
  image: { width: number; height: number },
  noise: DetectorNoise,
  seed: number,
): Detection[][] {
  const random = new Random(seed);
  const last = groundTruth.reduce((max, row) => Math.max(max, row.frame), 0);
  const frames: Detection[][] = Array.from({ length: last }, () => []);
  const occludedUntil = new Map<number, number>();
  const sorted = [...groundTruth].filter((row) => row.conf !== 0).sort((a, b) => a.frame - b.frame || a.id - b.id);
  for (const row of sorted) {
    const hiddenUntil = occludedUntil.get(row.id) ?? 0;
    if (row.frame <= hiddenUntil) continue;
    if (random.chance(noise.occlusionStart)) {
      occludedUntil.set(row.id, row.frame + Math.max(1, Math.round(random.exponential(noise.occlusionFrames))) - 1);
      continue;
    }
    if (random.chance(noise.miss)) continue;
    // Most people score high, near 1 (a detector is sure of a person in full view); some are partly hidden.
    const score = random.chance(noise.lowScore)
      ? random.uniform(0.1, 0.6)
      : Math.max(0.6, 1 - random.exponential(0.08));
    (frames[row.frame - 1] as Detection[]).push({ box: jitter(row.box, noise.jitter, random), score });
  }
  const boxes = sorted.map((row) => row.box);
  for (let f = 0; f < last; f++) {
    const count = poisson(noise.falsePositives, random);
    for (let k = 0; k < count; k++) {
      const shape = random.pick(boxes);
      const box: Box = [
        random.uniform(0, image.width - shape[2]),
        random.uniform(0, image.height - shape[3]),
        shape[2],
        shape[3],
      ];
      const score = random.chance(0.7) ? random.uniform(0.1, 0.6) : random.uniform(0.6, 0.95);
      const lasting = random.chance(noise.persistentFalsePositive) ? random.int(2, 6) : 1;
      for (let g = f; g < Math.min(last, f + lasting); g++) {
        (frames[g] as Detection[]).push({ box: jitter(box, noise.jitter, random), score });
      }
    }
  }
  return frames.map((detections) => random.shuffle(detections.filter((d) => d.score >= noise.cut)));
}

function jitter(box: Box, amount: number, random: Random): Box {
  const [left, top, width, height] = box;
  const w = width * (1 + random.normal(0, amount));
  const h = height * (1 + random.normal(0, amount));
  const cx = left + width / 2 + random.normal(0, amount * width);
  const cy = top + height / 2 + random.normal(0, amount * height);
  return [cx - w / 2, cy - h / 2, w, h];
}

/** Knuth's Poisson sampler; the means here are small. */
function poisson(mean: number, random: Random): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}
