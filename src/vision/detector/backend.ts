/**
 * The detector plugin contract (issue 9 point 4; the shape of Frigate's `detectors/plugins/*` with
 * `detector_types.py`): each backend is a key, its own config schema and a loader. A plugin only runs
 * the network — pre-processing, GFL decoding and NMS are shared — so two backends on the same frame
 * differ only by their runtime's arithmetic, which the backends test holds to IoU ≥ 0.9.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from '../../log.js';
import type { RawOutputs } from './gfl-decode.js';
import type { ModelFormat, ModelManifest } from './manifest.js';
import type { VerifiedFile } from './model-files.js';

export interface InferenceBackend {
  /** Which runtime runs it, for the start-up log and /healthz ("onnxruntime-node 1.30.0, 2 threads"). */
  readonly runtime: string;
  /** One inference on a [1, 3, H, W] tensor; every output the manifest names, flat. */
  run(input: Float32Array): Promise<RawOutputs>;
  dispose(): Promise<void>;
}

export interface LoadedModel {
  manifest: ModelManifest;
  /** The verified files of the plugin's format, the entry file first. */
  files: readonly VerifiedFile[];
}

export interface DetectorPlugin<S extends TSchema = TSchema> {
  readonly key: string;
  readonly format: ModelFormat;
  /** The plugin's own section of `vision.detector` (e.g. `onnx: { intra_op_threads }`). */
  readonly schema: S;
  load(model: LoadedModel, config: Static<S>, log: Logger): Promise<InferenceBackend>;
}

/** The names of every output the decoder reads, in the manifest's order. */
export function outputNames(manifest: ModelManifest): string[] {
  return manifest.outputs.flatMap((level) => [level.scores, level.boxes]);
}

/** A module that is not installed, as opposed to one that is there and fails to load. */
export function isNotInstalled(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
