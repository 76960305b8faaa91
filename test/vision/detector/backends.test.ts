/**
 * The must-show "Detection on real pictures" (issue 9), as one contract suite run against every
 * detector backend (MQTT.js `abstract_store` style): on 21 vtest frames the person count at the default
 * threshold equals the count made by eye, less the misses written down with their reason in
 * test/fixtures/vtest/README.md; and the two backends find the same boxes (IoU ≥ 0.9) on every frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createDetector, type DetectionResult, type Detector } from '../../../src/vision/detector/detector.js';
import type { BackendKey } from '../../../src/vision/detector/plugins.js';
import { BY_EYE, defaultSettings, MODEL_DIR, readFrame } from './helpers.js';

const log = createLogger('test:detector');
const results: Partial<Record<BackendKey, Map<number, DetectionResult>>> = {};

function backendSuite(backend: BackendKey) {
  describe(`backend ${backend}`, () => {
    let detector: Detector;
    const byFrame = new Map<number, DetectionResult>();
    results[backend] = byFrame;

    beforeAll(async () => {
      detector = await createDetector(MODEL_DIR, defaultSettings(backend), log);
    });
    afterAll(() => detector?.dispose());

    it('reports itself and the model', () => {
      expect(detector.backend).toBe(backend);
      expect(detector.manifest.name).toBe('nanodet-416');
    });

    // One test per frame: the wasm backend under a loaded machine takes seconds a frame.
    it.each(BY_EYE)('frame $frame: $eye people by eye, less $missed missed ($why)', async ({ frame, eye, missed }) => {
      const result = await detector.detect(await readFrame(frame));
      byFrame.set(frame, result);
      expect(result.detections).toHaveLength(eye - missed);
      expect(result).toMatchObject({ width: 768, height: 576, backend });
      for (const { box, score, label } of result.detections) {
        expect(label).toBe('person');
        expect(score).toBeGreaterThanOrEqual(0.5);
        // Inside the frame, and people on this camera are taller than wide.
        expect(box[0]).toBeGreaterThanOrEqual(0);
        expect(box[0] + box[2]).toBeLessThanOrEqual(768);
        expect(box[3]).toBeGreaterThan(box[2]);
      }
    });

    it('the count equals the count by eye on at least 10 frames', () => {
      const equal = BY_EYE.filter(({ frame, eye }) => byFrame.get(frame)?.detections.length === eye);
      expect(equal.map(({ frame }) => frame)).toEqual(BY_EYE.filter((f) => f.missed === 0).map(({ frame }) => frame));
      expect(equal.length).toBeGreaterThanOrEqual(10);
    });
  });
}

backendSuite('onnx');
backendSuite('tfjs');

describe('onnx and tfjs', () => {
  it('find the same boxes (IoU ≥ 0.9) on the same frames', () => {
    const { onnx, tfjs } = results;
    expect(onnx?.size).toBe(BY_EYE.length);
    expect(tfjs?.size).toBe(BY_EYE.length);
    for (const { frame } of BY_EYE) {
      const a = onnx?.get(frame)?.detections ?? [];
      const b = tfjs?.get(frame)?.detections ?? [];
      expect(b.length, `frame ${frame}`).toBe(a.length);
      const unmatched = [...b];
      for (const one of a) {
        const best = unmatched.reduce((p, q) => (iou(one.box, q.box) > iou(one.box, p.box) ? q : p));
        expect(iou(one.box, best.box), `frame ${frame} box ${one.box}`).toBeGreaterThanOrEqual(0.9);
        unmatched.splice(unmatched.indexOf(best), 1);
      }
    }
  });
});

type Box = readonly [number, number, number, number];
function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
}
