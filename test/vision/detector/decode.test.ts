/**
 * GFL decoding and post-processing (issue 9 point 4) on outputs built by hand, so every number is known:
 * the distance of each side is the expected bin × stride from the cell centre; the class filter and
 * threshold pick cells; class-wise NMS keeps the best of overlapping boxes; boxes go back through the
 * letterbox to image pixels, clipped; the size filter works in image pixels.
 */
import { describe, expect, it } from 'vitest';
import { decodeGfl } from '../../../src/vision/detector/gfl-decode.js';
import { readManifest } from '../../../src/vision/detector/manifest.js';
import { toDetections } from '../../../src/vision/detector/postprocess.js';
import type { Letterbox } from '../../../src/vision/preprocess.js';
import { MODEL_DIR } from './helpers.js';

const manifest = await readManifest(MODEL_DIR);
const LABELS = manifest.labels.length;
const BINS = manifest.reg_max + 1;

/** Empty outputs, with `set(stride, cell, class, score, sides)` to light one cell; sides are exact bins. */
function outputs() {
  const tensors: Record<string, Float32Array> = {};
  for (const level of manifest.outputs) {
    const cells = (416 / level.stride) ** 2;
    tensors[level.scores] = new Float32Array(cells * LABELS);
    // Equal logits everywhere: an unlit cell's expected bin is the middle one.
    tensors[level.boxes] = new Float32Array(cells * 4 * BINS);
  }
  const set = (stride: number, cell: number, classIndex: number, score: number, sides: number[]) => {
    const level = manifest.outputs.find((o) => o.stride === stride);
    if (level === undefined) throw new Error(`no stride ${stride}`);
    (tensors[level.scores] as Float32Array)[cell * LABELS + classIndex] = score;
    const boxes = tensors[level.boxes] as Float32Array;
    // A logit of 50 on one bin: softmax puts all the weight there.
    sides.forEach((bin, side) => {
      boxes[(cell * 4 + side) * BINS + bin] = 50;
    });
  };
  return { tensors, set };
}

const SQUARE: Letterbox = {
  imageWidth: 416,
  imageHeight: 416,
  inputWidth: 416,
  inputHeight: 416,
  scale: 1,
  padX: 0,
  padY: 0,
};
const POST = { nmsIou: 0.5, minAreaPx: 0, maxAreaPx: 1e7 };

describe('decodeGfl', () => {
  it('decodes a lit cell: centre (col + 0.5, row + 0.5) × stride, sides = bin × stride', () => {
    const { tensors, set } = outputs();
    // Stride 16, 26 columns: cell 26·3 + 5 is row 3, col 5 → centre (88, 56).
    set(16, 26 * 3 + 5, 0, 0.9, [2, 1, 3, 4]);
    expect(decodeGfl(manifest, tensors, [0], 0.5)).toEqual([
      { x1: 88 - 32, y1: 56 - 16, x2: 88 + 48, y2: 56 + 64, score: expect.closeTo(0.9, 6), classIndex: 0 },
    ]);
  });

  it('keeps only wanted classes at or above the threshold', () => {
    const { tensors, set } = outputs();
    set(8, 100, 0, 0.5, [1, 1, 1, 1]);
    set(8, 200, 0, 0.49, [1, 1, 1, 1]);
    set(8, 300, 2, 0.95, [1, 1, 1, 1]); // a car
    expect(decodeGfl(manifest, tensors, [0], 0.5).map((c) => c.classIndex)).toEqual([0]);
    expect(decodeGfl(manifest, tensors, [0, 2], 0.5).map((c) => c.classIndex)).toEqual([0, 2]);
  });

  it('refuses outputs whose size the manifest does not explain', () => {
    const { tensors } = outputs();
    tensors.Identity = new Float32Array(10);
    expect(() => decodeGfl(manifest, tensors, [0], 0.5)).toThrow(/model output sizes at stride 8 are 10 and/);
  });
});

describe('toDetections', () => {
  it('suppresses the weaker of two overlapping boxes of one class, not of two classes', () => {
    const box = { x1: 100, y1: 100, x2: 140, y2: 200 };
    const detections = toDetections(
      [
        { ...box, score: 0.6, classIndex: 0 },
        { ...box, x1: 102, score: 0.8, classIndex: 0 },
        { ...box, score: 0.7, classIndex: 2 },
      ],
      SQUARE,
      manifest.labels,
      POST,
    );
    expect(detections).toEqual([
      { box: [102, 100, 38, 100], score: 0.8, label: 'person' },
      { box: [100, 100, 40, 100], score: 0.7, label: 'car' },
    ]);
  });

  it('maps through the letterbox to image pixels and clips to the frame', () => {
    // A 768×576 frame: scale 416/768, 52 rows of padding at the top.
    const letterbox: Letterbox = { ...SQUARE, imageWidth: 768, imageHeight: 576, scale: 416 / 768, padY: 52 };
    const [detection] = toDetections(
      [{ x1: -10, y1: 52 + 54.166, x2: 54.166, y2: 52 + 108.333, score: 0.9, classIndex: 0 }],
      letterbox,
      manifest.labels,
      POST,
    );
    expect(detection?.box).toEqual([0, 100, 100, 100]);
  });

  it('drops boxes outside the size bounds (image pixels)', () => {
    const small = { x1: 0, y1: 0, x2: 9, y2: 10, score: 0.9, classIndex: 0 };
    const big = { x1: 200, y1: 200, x2: 400, y2: 400, score: 0.9, classIndex: 0 };
    const kept = toDetections([small, big], SQUARE, manifest.labels, { ...POST, minAreaPx: 100, maxAreaPx: 30_000 });
    expect(kept).toEqual([]);
    expect(toDetections([small, big], SQUARE, manifest.labels, { ...POST, minAreaPx: 90 })).toHaveLength(2);
  });
});
