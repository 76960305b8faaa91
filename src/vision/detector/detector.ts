/**
 * The detector (issue 9 points 3–4): one loaded backend plus the shared pre- and post-processing. A
 * frame goes JPEG → letterboxed, normalised, masked tensor → backend → GFL decode → NMS → boxes in
 * image pixels, with the time of each stage so the pipeline budget (ARCHITECTURE §10: pipeline ≤ 1.5×
 * inference) can be measured per frame. The scheduler (scheduler.ts) calls it one frame at a time.
 */
import type { Logger } from '../../log.js';
import { type MaskCache, prepareFrame } from '../preprocess.js';
import type { ImagePolygon } from '../privacy-mask.js';
import { decodeGfl } from './gfl-decode.js';
import { labelIndices, type ModelManifest } from './manifest.js';
import { type BackendChoice, type BackendKey, type BackendSettings, chooseBackend } from './plugins.js';
import { type Detection, toDetections } from './postprocess.js';

export interface DetectorSettings extends BackendSettings {
  threshold: number;
  nms_iou: number;
  classes: string[];
  min_area_px: number;
  max_area_px: number;
}

export interface DetectionResult {
  width: number;
  height: number;
  backend: BackendKey;
  detections: Detection[];
  /** Milliseconds: decode = JPEG to tensor, inference = the backend, post = decode + NMS, total = all. */
  ms: { decode: number; inference: number; post: number; total: number };
}

export interface FrameOptions {
  masks?: readonly ImagePolygon[];
  /** Keeps a camera's rasterised masks between frames. */
  maskCache?: MaskCache;
}

export interface Detector {
  readonly backend: BackendKey;
  readonly runtime: string;
  readonly manifest: ModelManifest;
  /** Rejects with a FrameError for a frame that is not a decodable JPEG. */
  detect(jpeg: Buffer, options?: FrameOptions): Promise<DetectionResult>;
  dispose(): Promise<void>;
}

export async function createDetector(modelDir: string, settings: DetectorSettings, log: Logger): Promise<Detector> {
  const choice = await chooseBackend(modelDir, settings, log);
  try {
    return detectorOn(choice, settings);
  } catch (error) {
    await choice.backend.dispose();
    throw error;
  }
}

/** The detector around a loaded backend (the vision benchmark times the backend alone beside it). */
export function detectorOn({ key, backend, manifest }: BackendChoice, settings: DetectorSettings): Detector {
  const classes = labelIndices(manifest, settings.classes);
  const post = { nmsIou: settings.nms_iou, minAreaPx: settings.min_area_px, maxAreaPx: settings.max_area_px };
  return {
    backend: key,
    runtime: backend.runtime,
    manifest,
    async detect(jpeg, options = {}) {
      const started = performance.now();
      const frame = await prepareFrame(jpeg, manifest.input, options.masks, options.maskCache);
      const prepared = performance.now();
      const outputs = await backend.run(frame.tensor);
      const inferred = performance.now();
      const candidates = decodeGfl(manifest, outputs, classes, settings.threshold);
      const detections = toDetections(candidates, frame.letterbox, manifest.labels, post);
      const done = performance.now();
      return {
        width: frame.letterbox.imageWidth,
        height: frame.letterbox.imageHeight,
        backend: key,
        detections,
        ms: {
          decode: prepared - started,
          inference: inferred - prepared,
          post: done - inferred,
          total: done - started,
        },
      };
    },
    dispose: () => backend.dispose(),
  };
}
