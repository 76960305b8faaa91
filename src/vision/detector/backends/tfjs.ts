/**
 * The `tfjs` detector plugin (issue 9 point 4): @tensorflow/tfjs-node when it is installed (an
 * optionalDependency: its native build may be missing on a board), else @tensorflow/tfjs with the
 * WebAssembly backend and SIMD — the pure-JS cpu backend takes about 28 s a frame and is never used.
 * The graph and its weights come from the verified bytes; a weights file the graph names but the
 * manifest does not list is refused, so nothing unverified reaches the runtime.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Type as T } from '@sinclair/typebox';
import type { Logger } from '../../../log.js';
import { type DetectorPlugin, isNotInstalled, type LoadedModel, outputNames } from '../backend.js';

type Tf = typeof import('@tensorflow/tfjs');
type ModelArtifacts = import('@tensorflow/tfjs').io.ModelArtifacts;
type WeightsGroup = { paths: string[]; weights: NonNullable<ModelArtifacts['weightSpecs']> };

const TfjsSchema = T.Object(
  {
    runtime: T.Union([T.Literal('auto'), T.Literal('node'), T.Literal('wasm')], {
      description:
        'auto: @tensorflow/tfjs-node when installed, else WebAssembly with SIMD; node or wasm: only that one.',
      default: 'auto',
    }),
  },
  { additionalProperties: false, description: 'The tfjs backend (TensorFlow.js).', default: {} },
);

// A variable, so TypeScript does not require the optional package to be installed to compile.
const TFJS_NODE = '@tensorflow/tfjs-node';

async function nodeRuntime(): Promise<Tf> {
  const tf = (await import(TFJS_NODE)) as Tf;
  await tf.setBackend('tensorflow');
  return tf;
}

async function wasmRuntime(log: Logger): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm files ship in the package; without this the backend would try to fetch them.
  const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(`${join(dirname(packageJson), 'dist')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  if (!simd) log.warn('tfjs wasm: this Node has no WebAssembly SIMD; inference will be several times slower');
  return tf;
}

async function chooseRuntime(want: 'auto' | 'node' | 'wasm', log: Logger): Promise<{ tf: Tf; name: string }> {
  if (want !== 'wasm') {
    try {
      return { tf: await nodeRuntime(), name: 'tfjs-node' };
    } catch (error) {
      const why = isNotInstalled(error) ? `${TFJS_NODE} is not installed` : (error as Error).message;
      if (want === 'node') throw new Error(`tfjs runtime node: ${why}`);
      log.info(`tfjs: not using tfjs-node (${why}); using WebAssembly`);
    }
  }
  return { tf: await wasmRuntime(log), name: 'tfjs-backend-wasm (SIMD)' };
}

function artifacts({ manifest, files }: LoadedModel): ModelArtifacts {
  const [graph, ...weights] = files;
  if (graph === undefined) throw new Error(`model ${manifest.name}: no tfjs graph file`);
  const json = JSON.parse(graph.bytes.toString('utf8'));
  const groups = json.weightsManifest as WeightsGroup[];
  const parts = groups.flatMap((group) =>
    group.paths.map((path) => {
      const file = weights.find((w) => basename(w.path) === path);
      if (file === undefined) throw new Error(`${graph.path} names weights ${path}, which the manifest does not list`);
      return file.bytes;
    }),
  );
  const data = Buffer.concat(parts);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    signature: json.signature,
    weightSpecs: groups.flatMap((group) => group.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  };
}

export const tfjsPlugin: DetectorPlugin<typeof TfjsSchema> = {
  key: 'tfjs',
  format: 'tfjs',
  schema: TfjsSchema,
  async load(model, config, log) {
    const { tf, name } = await chooseRuntime(config.runtime, log);
    const graph = await tf.loadGraphModel({ load: async () => artifacts(model) });
    const names = outputNames(model.manifest);
    const { width, height } = model.manifest.input;
    return {
      runtime: `${name} ${tf.version.tfjs}`,
      async run(input) {
        const x = tf.tensor4d(input, [1, 3, height, width]);
        const outputs = graph.execute(x, names) as import('@tensorflow/tfjs').Tensor[];
        try {
          const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
          return Object.fromEntries(names.map((n, i) => [n, data[i] as Float32Array]));
        } finally {
          tf.dispose([x, ...outputs]);
        }
      },
      async dispose() {
        graph.dispose();
      },
    };
  },
};
