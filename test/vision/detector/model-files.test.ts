/**
 * A missing or corrupt model file (issue 9 must-show "Bad input"; point 1: the sha256 is verified at
 * load and a mismatch refused): each is a ModelError naming the file and why, never a crash and never a
 * runtime reading unverified bytes. A file that matches its manifest but that the runtime cannot read
 * is refused with the runtime's reason, and with fallback on the other backend takes over, saying why.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/log.js';
import { createDetector } from '../../../src/vision/detector/detector.js';
import { ModelError, readManifest } from '../../../src/vision/detector/manifest.js';
import { modelDirectory, readVerifiedFiles } from '../../../src/vision/detector/model-files.js';
import { defaultSettings, MODEL_DIR, readFrame } from './helpers.js';

let dir: string;
const lines: string[] = [];
const log: Logger = {
  error: (m) => lines.push(`error ${typeof m === 'string' ? m : m()}`),
  warn: (m) => lines.push(`warn ${typeof m === 'string' ? m : m()}`),
  info: (m) => lines.push(`info ${typeof m === 'string' ? m : m()}`),
  debug: () => {},
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omo-model-'));
  await cp(MODEL_DIR, dir, { recursive: true });
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function editManifest(edit: (manifest: Record<string, unknown>) => void) {
  const file = join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest));
}

describe('model files', () => {
  it('the shipped model verifies, and a bare name is a folder of the package models/', async () => {
    expect(modelDirectory('nanodet-416', '/elsewhere')).toBe(MODEL_DIR);
    expect(modelDirectory('./my-model', '/etc/omo')).toBe('/etc/omo/my-model');
    const manifest = await readManifest(MODEL_DIR);
    const files = await readVerifiedFiles(MODEL_DIR, manifest, 'tfjs');
    expect(files.map((f) => f.path)).toEqual([join(MODEL_DIR, 'nanodet.json'), join(MODEL_DIR, 'nanodet.bin')]);
  });

  it('refuses a missing file, naming it', async () => {
    await rm(join(dir, 'nanodet.onnx'));
    const error = await createDetector(dir, defaultSettings('onnx'), log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(new RegExp(`^model file ${join(dir, 'nanodet.onnx')} is missing: ENOENT`));
  });

  it('refuses a file whose sha256 does not match its manifest', async () => {
    const file = join(dir, 'nanodet.bin');
    const bytes = await readFile(file);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    await writeFile(file, bytes);
    const actual = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const error = await createDetector(dir, defaultSettings('tfjs'), log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toBe(
      `model file ${file} does not match its manifest: sha256 ${actual}… (${bytes.length} bytes), expected ` +
        '5d0e4f8c4eded666…; the file is damaged or not the shipped one — refusing to load it',
    );
  });

  it('refuses a manifest with a bad field, naming it', async () => {
    await editManifest((m) => {
      (m.input as Record<string, unknown>).channel_order = 'GBR';
    });
    await expect(readManifest(dir)).rejects.toThrow(
      `model manifest ${join(dir, 'manifest.json')}: /input/channel_order`,
    );
    await rm(join(dir, 'manifest.json'));
    await expect(readManifest(dir)).rejects.toThrow(/manifest\.json cannot be read: ENOENT/);
  });

  it('refuses a class the model does not know', async () => {
    const settings = defaultSettings('onnx', { classes: ['person', 'shopper'] });
    await expect(createDetector(dir, settings, log)).rejects.toThrow(
      'class "shopper" is not a label of model nanodet-416',
    );
    // The backend had loaded (and was released): the log says which, and why the other was not tried.
    expect(lines.find((l) => l.startsWith('info detector: backend onnx ('))).toMatch(
      /, model nanodet-416; tfjs not tried: onnx is configured$/,
    );
  });

  it('a corrupt ONNX file that matches its manifest: onnxruntime refuses it; with fallback, tfjs runs instead', async () => {
    const file = join(dir, 'nanodet.onnx');
    const garbage = Buffer.from('this is not an ONNX protobuf');
    await writeFile(file, garbage);
    const sha256 = createHash('sha256').update(garbage).digest('hex');
    await editManifest((m) => {
      (m.files as { onnx: unknown[] }).onnx[0] = { path: 'nanodet.onnx', sha256 };
    });
    const strict = await createDetector(dir, defaultSettings('onnx'), log).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(ModelError);
    expect((strict as Error).message).toMatch(new RegExp(`^onnxruntime cannot load ${file}: `));

    const detector = await createDetector(dir, defaultSettings('onnx', { fallback: true }), log);
    try {
      expect(detector.backend).toBe('tfjs');
      expect((await detector.detect(await readFrame(1))).detections).toHaveLength(3);
      expect(
        lines.find((l) => l.startsWith('warn detector: backend onnx not used: onnxruntime cannot load')),
      ).toBeDefined();
      expect(lines.find((l) => l.startsWith('info detector: backend tfjs ('))).toMatch(
        /; not onnx: onnxruntime cannot load/,
      );
    } finally {
      await detector.dispose();
    }
  });
});
