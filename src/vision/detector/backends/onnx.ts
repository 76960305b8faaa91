/**
 * The `onnx` detector plugin (issue 9 point 4, the default): onnxruntime-node's CPU runtime, which ships
 * inside the npm package (its postinstall, which only fetches GPU builds, stays denied in allowScripts).
 * The session is made from the bytes whose sha256 was checked, never from the path again.
 */
import { Type as T } from '@sinclair/typebox';
import type { DetectorPlugin } from '../backend.js';
import { outputNames } from '../backend.js';

const OnnxSchema = T.Object(
  {
    intra_op_threads: T.Integer({
      description:
        'Threads onnxruntime uses inside one inference. 2 suits a 2-core board (the gateway itself needs little CPU); ' +
        'on a 4-core Pi 4 or 5, 3 leaves a core for decoding frames.',
      minimum: 1,
      maximum: 16,
      default: 2,
    }),
  },
  { additionalProperties: false, description: 'The onnx backend (onnxruntime-node).', default: {} },
);

export const onnxPlugin: DetectorPlugin<typeof OnnxSchema> = {
  key: 'onnx',
  format: 'onnx',
  schema: OnnxSchema,
  async load({ manifest, files }, config) {
    const ort = await import('onnxruntime-node');
    const entry = files[0];
    if (entry === undefined) throw new Error('no onnx file');
    let session: import('onnxruntime-node').InferenceSession;
    try {
      session = await ort.InferenceSession.create(new Uint8Array(entry.bytes), {
        intraOpNumThreads: config.intra_op_threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (error) {
      throw new Error(`onnxruntime cannot load ${entry.path}: ${(error as Error).message}`);
    }
    const names = outputNames(manifest);
    const { width, height, name } = manifest.input;
    return {
      runtime: `onnxruntime-node ${ort.env.versions.common}, ${config.intra_op_threads} intra-op thread(s)`,
      async run(input) {
        const feeds = { [name]: new ort.Tensor('float32', input, [1, 3, height, width]) };
        const results = await session.run(feeds, names);
        return Object.fromEntries(names.map((n) => [n, results[n]?.data as Float32Array]));
      },
      async dispose() {
        await session.release();
      },
    };
  },
};
