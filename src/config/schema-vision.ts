/**
 * Config schema: on-device vision for plain cameras (issue 9). The detector section holds what every
 * backend shares and one sub-section per plugin, each plugin's own schema (src/vision/detector/backends/).
 */
import { Type as T } from '@sinclair/typebox';
import { onnxPlugin } from '../vision/detector/backends/onnx.js';
import { tfjsPlugin } from '../vision/detector/backends/tfjs.js';
import { Section } from './schema-parts.js';

export const DetectorSchema = Section('The person detector that turns plain cameras’ frames into boxes.', {
  backend: T.Union([T.Literal('onnx'), T.Literal('tfjs')], {
    description: 'Which detector plugin runs the model: onnx (onnxruntime-node) or tfjs (TensorFlow.js).',
    default: 'onnx',
  }),
  fallback: T.Boolean({
    description: 'When the chosen backend cannot load, try the other; the start-up log says why each was not used.',
    default: true,
  }),
  model: T.String({
    description:
      'A model folder under the package’s models/ (nanodet-416), or a path to one (relative to this file); ' +
      'its manifest’s sha256 are checked at load and a mismatching file is refused.',
    minLength: 1,
    maxLength: 1024,
    default: 'nanodet-416',
  }),
  threshold: T.Number({
    description:
      'Lowest score kept. 0.5 keeps the walking people of the vtest clip (0.50–0.85) and drops its traffic cones (≤ 0.44).',
    minimum: 0.05,
    maximum: 0.99,
    default: 0.5,
  }),
  nms_iou: T.Number({
    description:
      'Boxes of one class overlapping a better one by more than this IoU are dropped (non-maximum suppression).',
    minimum: 0.1,
    maximum: 0.95,
    default: 0.5,
  }),
  classes: T.Array(T.String({ minLength: 1, maxLength: 64 }), {
    description: 'Model labels to detect; the model’s manifest lists them.',
    minItems: 1,
    maxItems: 80,
    default: ['person'],
  }),
  min_area_px: T.Number({
    description: 'Smallest box area kept, in image pixels; 100 (10×10) is below any person the model can resolve.',
    minimum: 0,
    maximum: 1e8,
    default: 100,
  }),
  max_area_px: T.Number({
    description: 'Largest box area kept, in image pixels (the default keeps everything up to a 4K frame).',
    minimum: 1,
    maximum: 1e8,
    default: 1e7,
  }),
  onnx: onnxPlugin.schema,
  tfjs: tfjsPlugin.schema,
});

export const VisionSchema = Section('On-device vision for plain cameras: frames → detections → tracks (issue 9).', {
  detector: DetectorSchema,
});
