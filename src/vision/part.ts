/**
 * The vision part (issue 9, ARCHITECTURE §2): every plain camera's frames → detector → tracker → the
 * `cameraTracks` a smart camera would send, so path analysis treats both alike. One CameraPipeline per
 * plain camera (camera-pipeline.ts), one detector shared by all of them, fairly (detector/).
 *
 * The detector loads with the first frame that needs it, not at start: a gateway whose plain cameras
 * send nothing neither waits for the model nor holds it in memory (ARCHITECTURE §10: start ≤ 2 s and
 * idle RSS without the detector). Which backend it chose, and why not the others, is logged then.
 * A model that cannot load is a health entry and a counted drop per frame, never a crash.
 */
import type { GatewayConfig } from '../config/schema.js';
import { cameraSourceSettings } from '../config/schema-camera-source.js';
import { cameraDebugRoutes, type DebugSnapshot } from '../http/routes/camera-debug.js';
import type { PartFactory, PartHealth } from '../part.js';
import { CameraPipeline } from './camera-pipeline.js';
import { drawDetections } from './debug-snapshot.js';
import { type CameraDetector, loadCameraDetector } from './detector/camera-detector.js';
import { MotionGate } from './motion-gate.js';
import { createFrameSource } from './sources/index.js';
import { CameraTracker } from './tracker/camera-tracker.js';
import { visionMetrics } from './vision-metrics.js';

type Device = GatewayConfig['devices'][number];

export const visionPart: PartFactory = (context) => {
  const { config, bus, clock } = context;
  const log = context.logger('omo:vision');
  const metrics = visionMetrics(context.metrics);
  const cameras = config.devices.filter(
    (d): d is Device & { camera: NonNullable<Device['camera']> } => d.camera?.type === 'plain',
  );
  let loading: Promise<CameraDetector> | undefined;
  let detectorError: string | undefined;

  const detector = (): Promise<CameraDetector> => {
    loading ??= loadCameraDetector(
      config.vision.detector,
      cameras.map((d) => ({ id: d.id, masks: d.camera.masks })),
      { configDir: context.configDir, log },
    ).then(
      (loaded) => {
        metrics.backend.set({ backend: loaded.detector.backend, runtime: loaded.detector.runtime }, 1);
        return loaded;
      },
      (error: Error) => {
        detectorError = error.message;
        log.error(`the detector could not load; plain cameras give no tracks: ${error.message}`);
        throw error;
      },
    );
    return loading;
  };

  const pipelines = cameras.map((device) => {
    const camera = { ...cameraSourceSettings(device.camera), fps: device.camera.fps };
    const pipeline: CameraPipeline = new CameraPipeline({
      cameraId: device.id,
      source: (onFrame) =>
        createFrameSource({
          cameraId: device.id,
          camera,
          bus,
          clock,
          maxFrameBytes: config.ingest.max_frame_bytes,
          configDir: context.configDir,
          onFrame,
          onFailure: (reason, detail) => {
            metrics.sourceFailures.inc({ camera: device.id, reason });
            log.debug(() => `camera ${device.id}: ${detail}`);
          },
          onOverFps: () => pipeline.refused('over_fps'),
        }),
      gate: new MotionGate(camera.motion),
      tracker: new CameraTracker(device, () => clock.now()),
      detector,
      bus,
      metrics,
      log,
      debug: camera.debug_snapshot,
    });
    return pipeline;
  });
  const byId = new Map(pipelines.map((p) => [p.cameraId, p]));

  context.addRoutes(
    cameraDebugRoutes({
      async debugSnapshot(cameraId): Promise<DebugSnapshot> {
        const pipeline = byId.get(cameraId);
        if (pipeline === undefined) return { missing: 'unknown_camera' };
        const frame = pipeline.debugFrame;
        if (!cameras.find((d) => d.id === cameraId)?.camera.debug_snapshot) return { missing: 'disabled' };
        if (frame === undefined) return { missing: 'no_frame' };
        return { jpeg: await drawDetections(frame.jpeg, frame.boxes), at: new Date(frame.ts).toISOString() };
      },
    }),
  );

  return {
    name: 'vision',
    start() {
      for (const device of cameras) {
        if (device.camera.debug_snapshot) {
          log.warn(
            `camera ${device.id}: debug_snapshot is on — its last analysed frame, a picture of people, is kept in memory and served to admin tokens at /api/v1/cameras/${device.id}/debug.jpg`,
          );
        }
      }
      for (const pipeline of pipelines) pipeline.start();
      if (pipelines.length > 0)
        log.info(
          `${pipelines.length} plain camera(s): ${pipelines.map((p) => `${p.cameraId} (${p.source.kind})`).join(', ')}`,
        );
    },
    async stop() {
      // Sources first (no new frames), then the detector (drops what waits), then the frames in work.
      await Promise.all(pipelines.map((p) => p.source.stop()));
      await loading?.then(
        (loaded) => loaded.stop(),
        () => undefined,
      );
      await Promise.all(pipelines.map((p) => p.stop()));
    },
    health(): PartHealth {
      if (pipelines.length === 0) return { status: 'disabled' };
      const report: Record<string, unknown> = {};
      const down: string[] = [];
      for (const pipeline of pipelines) {
        const state = pipeline.source.state();
        if (!state.up) down.push(`${pipeline.cameraId}: ${state.reason}`);
        const { framesIn, detected, still, dropped } = pipeline.counts;
        report[pipeline.cameraId] = {
          source: pipeline.source.kind,
          up: state.up,
          ...(state.reason === undefined ? {} : { reason: state.reason }),
          frames_in: framesIn,
          detected,
          still,
          dropped,
          ...(pipeline.lastError === undefined ? {} : { last_error: pipeline.lastError }),
        };
      }
      const problems = detectorError === undefined ? down : [`detector: ${detectorError}`, ...down];
      return {
        status: problems.length > 0 ? 'degraded' : 'ok',
        ...(problems.length > 0 ? { reason: problems.join('; ') } : {}),
        detector:
          detectorError !== undefined ? 'failed' : loading === undefined ? 'not loaded (no frame yet)' : 'loaded',
        cameras: report,
      };
    },
  };
};
