/**
 * What the camera pipeline calls (issue 9 point 4: one detector instance serves all cameras, fairly).
 * `submit(cameraId, jpeg)` answers with the frame's detections, or `dropped` when a newer frame of the
 * same camera replaced it while the detector was busy (counted per camera), or rejects with a FrameError
 * for a frame that is not a decodable JPEG. Each camera's masks are applied to its frames and
 * rasterised once per frame size.
 */
import type { DetectorConfig } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { MaskCache } from '../preprocess.js';
import type { ImagePolygon } from '../privacy-mask.js';
import { createDetector, type DetectionResult, type Detector } from './detector.js';
import { type CameraCounts, FairScheduler, type FrameOutcome } from './fair-scheduler.js';
import { modelDirectory } from './model-files.js';

export interface CameraDetector {
  /** The loaded detector: backend key, runtime, model manifest. */
  readonly detector: Detector;
  submit(cameraId: string, jpeg: Buffer): Promise<FrameOutcome<DetectionResult>>;
  /** Per camera: submitted, done, dropped (superseded or stopped), failed (bad frames). */
  stats(): ReadonlyMap<string, Readonly<CameraCounts>>;
  /** Drops waiting frames, waits for the running inference, releases the runtime. */
  stop(): Promise<void>;
}

export interface CameraMasks {
  id: string;
  masks?: readonly ImagePolygon[] | undefined;
}

/**
 * Loads the configured model and backend (sha256 checked, backend chosen and logged) and puts the fair
 * scheduler in front of it. Throws a ModelError naming the file and the reason when no backend can load.
 */
export async function loadCameraDetector(
  config: DetectorConfig,
  cameras: readonly CameraMasks[],
  options: { configDir: string; log: Logger },
): Promise<CameraDetector> {
  const detector = await createDetector(modelDirectory(config.model, options.configDir), config, options.log);
  return serveCameras(detector, cameras);
}

export function serveCameras(detector: Detector, cameras: readonly CameraMasks[]): CameraDetector {
  const masks = new Map(cameras.map((camera) => [camera.id, camera.masks ?? []]));
  const caches = new Map<string, MaskCache>();
  const scheduler = new FairScheduler<DetectionResult>((cameraId, jpeg) => {
    let maskCache = caches.get(cameraId);
    if (maskCache === undefined) {
      maskCache = new Map();
      caches.set(cameraId, maskCache);
    }
    return detector.detect(jpeg, { masks: masks.get(cameraId) ?? [], maskCache });
  });
  return {
    detector,
    submit: (cameraId, jpeg) => scheduler.submit(cameraId, jpeg),
    stats: () => scheduler.stats(),
    async stop() {
      await scheduler.stop();
      await detector.dispose();
    },
  };
}
