/**
 * The detector plugins by key (issue 9 point 4; MQTT.js picks a transport from a protocol→builder map the
 * same way) and the choice among them. The configured backend is tried first; when it cannot load and
 * `fallback` is on, the others follow in the table's order. Each refusal is logged with its reason — not
 * installed, a bad model file, a runtime error — so an installer reading the start-up log knows which
 * backend runs and why the others do not.
 */
import type { Logger } from '../../log.js';
import type { DetectorPlugin, InferenceBackend } from './backend.js';
import { onnxPlugin } from './backends/onnx.js';
import { tfjsPlugin } from './backends/tfjs.js';
import { ModelError, type ModelManifest } from './manifest.js';
import { loadModelFiles } from './model-files.js';

export const detectorPlugins = { onnx: onnxPlugin, tfjs: tfjsPlugin } as const;
export type BackendKey = keyof typeof detectorPlugins;
export const BACKEND_KEYS = Object.keys(detectorPlugins) as BackendKey[];

export interface BackendChoice {
  key: BackendKey;
  backend: InferenceBackend;
  manifest: ModelManifest;
  /** Why each backend tried before the chosen one was not used. */
  refused: { key: BackendKey; reason: string }[];
}

export interface BackendSettings {
  backend: BackendKey;
  fallback: boolean;
  onnx: { intra_op_threads: number };
  tfjs: { runtime: 'auto' | 'node' | 'wasm' };
}

export async function chooseBackend(modelDir: string, settings: BackendSettings, log: Logger): Promise<BackendChoice> {
  const order = settings.fallback
    ? [settings.backend, ...BACKEND_KEYS.filter((key) => key !== settings.backend)]
    : [settings.backend];
  const refused: BackendChoice['refused'] = [];
  for (const key of order) {
    try {
      const { manifest, backend } = await loadPlugin(key, modelDir, settings, log);
      const untried = BACKEND_KEYS.filter((other) => other !== key && !refused.some((r) => r.key === other));
      log.info(
        `detector: backend ${key} (${backend.runtime}), model ${manifest.name}` +
          refused.map((r) => `; not ${r.key}: ${r.reason}`).join('') +
          untried
            .map((other) => `; ${other} not tried: ${key} is ${key === settings.backend ? 'configured' : 'loaded'}`)
            .join(''),
      );
      return { key, backend, manifest, refused };
    } catch (error) {
      refused.push({ key, reason: (error as Error).message });
      if (order.length > 1) log.warn(`detector: backend ${key} not used: ${(error as Error).message}`);
    }
  }
  throw new ModelError(
    refused.length === 1
      ? (refused[0]?.reason ?? 'no backend')
      : `no detector backend could load: ${refused.map((r) => `${r.key}: ${r.reason}`).join('; ')}`,
  );
}

async function loadPlugin(key: BackendKey, modelDir: string, settings: BackendSettings, log: Logger) {
  // Typed per key: each plugin gets its own config section.
  const plugin = detectorPlugins[key] as DetectorPlugin;
  const { manifest, files } = await loadModelFiles(modelDir, plugin.format);
  const backend = await plugin.load({ manifest, files }, settings[key], log);
  return { manifest, backend };
}
