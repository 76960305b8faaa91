/**
 * A shipped model's manifest (issue 9 point 1; ARCHITECTURE §3 `models/`): what the pre-processing,
 * the backends and the decoder need to know about a model, and the sha256 of every file. The manifest is
 * checked against its schema when read, so a bad one fails at load naming the field, never mid-frame.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Sha256 = T.String({ pattern: '^[0-9a-f]{64}$' });
const ModelFile = T.Object({ path: T.String({ pattern: '^[^/\\\\]+$' }), sha256: Sha256 });
const Channel = T.Array(T.Number(), { minItems: 3, maxItems: 3 });

const ManifestSchema = T.Object({
  name: T.String({ minLength: 1 }),
  about: T.String(),
  decoder: T.Literal('nanodet-gfl'),
  input: T.Object({
    name: T.String({ minLength: 1 }),
    width: T.Integer({ minimum: 32, maximum: 4096 }),
    height: T.Integer({ minimum: 32, maximum: 4096 }),
    layout: T.Literal('NCHW'),
    channel_order: T.Union([T.Literal('RGB'), T.Literal('BGR')]),
    /** Per channel, in `channel_order`: the network sees (value - mean) / std of 0–255 pixels. */
    mean: Channel,
    std: T.Array(T.Number({ exclusiveMinimum: 0 }), { minItems: 3, maxItems: 3 }),
  }),
  outputs: T.Array(
    T.Object({ stride: T.Integer({ minimum: 1, maximum: 256 }), scores: T.String(), boxes: T.String() }),
    { minItems: 1 },
  ),
  /** GFL: each box side is a distribution over reg_max + 1 bins. */
  reg_max: T.Integer({ minimum: 1, maximum: 64 }),
  labels: T.Array(T.String({ minLength: 1 }), { minItems: 1 }),
  /** Per backend format, its files; the first is the one the runtime opens. */
  files: T.Object({
    onnx: T.Optional(T.Array(ModelFile, { minItems: 1 })),
    tfjs: T.Optional(T.Array(ModelFile, { minItems: 1 })),
  }),
  licences: T.Array(T.Object({ what: T.String(), licence: T.String(), file: T.String() }), { minItems: 1 }),
  provenance: T.String(),
});

export type ModelManifest = Static<typeof ManifestSchema>;
export type ModelInput = ModelManifest['input'];
export type ModelFormat = keyof ModelManifest['files'];

/** A model that cannot be used: missing, corrupt or mis-described. The message says which file and why. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

export async function readManifest(modelDir: string): Promise<ModelManifest> {
  const file = join(modelDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelError(`model manifest ${file} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`model manifest ${file} is not JSON: ${(error as Error).message}`);
  }
  const first = Value.Errors(ManifestSchema, data).First();
  if (first !== undefined) {
    throw new ModelError(`model manifest ${file}: ${first.path || '/'} ${first.message}`);
  }
  const manifest = data as ModelManifest;
  if (manifest.input.width % maxStride(manifest) !== 0 || manifest.input.height % maxStride(manifest) !== 0) {
    throw new ModelError(`model manifest ${file}: /input size must be a multiple of the largest output stride`);
  }
  return manifest;
}

function maxStride(manifest: ModelManifest): number {
  return Math.max(...manifest.outputs.map((o) => o.stride));
}

/** The indices of `names` among the model's labels; an unknown name is refused, naming the known ones. */
export function labelIndices(manifest: ModelManifest, names: readonly string[]): number[] {
  return names.map((name) => {
    const index = manifest.labels.indexOf(name);
    if (index < 0) {
      throw new ModelError(
        `class "${name}" is not a label of model ${manifest.name} (labels: ${manifest.labels.slice(0, 8).join(', ')}, …)`,
      );
    }
    return index;
  });
}
