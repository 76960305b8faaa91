/**
 * Shared by the detector tests: the vtest fixture frames, the shipped model's folder, the detector
 * settings at their schema defaults (what a gateway with no `vision` section runs), and the by-eye
 * person counts of test/fixtures/vtest/README.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { type DetectorConfig, DetectorSchema } from '../../../src/config/schema.js';
import type { BackendKey } from '../../../src/vision/detector/plugins.js';

// Not from helpers/gateway.ts: the vision benchmark imports this file and must not load the gateway.
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const MODEL_DIR = join(REPO_ROOT, 'models/nanodet-416');

export const vtestFrame = (n: number) => join(REPO_ROOT, `test/fixtures/vtest/frame_${String(n).padStart(4, '0')}.jpg`);
export const readFrame = (n: number) => readFile(vtestFrame(n));

/** The schema's defaults, with one backend and no fallback, so a test knows which backend ran. */
export function defaultSettings(backend: BackendKey, overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  const defaults = Value.Default(DetectorSchema, {}) as DetectorConfig;
  return { ...defaults, backend, fallback: false, ...overrides };
}

/**
 * People counted by eye (test/fixtures/vtest/README.md says how) and how many of them the detector at
 * the default threshold misses, with why. `eye - missed` is the count the detector must give.
 */
export const BY_EYE: readonly { frame: number; eye: number; missed: number; why: string }[] = [
  { frame: 1, eye: 3, missed: 0, why: 'none' },
  { frame: 10, eye: 5, missed: 1, why: 'one behind the sign' },
  { frame: 20, eye: 5, missed: 0, why: 'none' },
  { frame: 30, eye: 6, missed: 2, why: 'one behind the sign, one behind another person' },
  { frame: 40, eye: 7, missed: 2, why: 'one behind the sign, one 15 px tall by the far building' },
  { frame: 50, eye: 7, missed: 2, why: 'one behind the sign, one far away on the top-left path' },
  { frame: 60, eye: 8, missed: 1, why: 'one behind the sign' },
  { frame: 70, eye: 9, missed: 1, why: 'one far away on the top-left path (score 0.49)' },
  { frame: 80, eye: 8, missed: 1, why: 'one behind another person' },
  { frame: 90, eye: 7, missed: 0, why: 'none' },
  { frame: 100, eye: 7, missed: 0, why: 'none' },
  { frame: 110, eye: 7, missed: 2, why: 'two cut by the left and right frame edges' },
  { frame: 120, eye: 7, missed: 0, why: 'none' },
  { frame: 130, eye: 7, missed: 0, why: 'none' },
  { frame: 140, eye: 7, missed: 0, why: 'none' },
  { frame: 150, eye: 6, missed: 0, why: 'none' },
  { frame: 160, eye: 6, missed: 1, why: 'one behind the lamp post' },
  { frame: 170, eye: 6, missed: 1, why: 'one behind the sign' },
  { frame: 180, eye: 6, missed: 1, why: 'one behind the sign' },
  { frame: 190, eye: 4, missed: 0, why: 'none' },
  { frame: 200, eye: 3, missed: 0, why: 'none' },
];
