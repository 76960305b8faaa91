/**
 * Reads a model's files and checks each against the sha256 in its manifest before any runtime sees a
 * byte (issue 9 point 1: the gateway refuses a mismatching file). The bytes that were hashed are the
 * bytes handed to the runtime, so a file swapped between the check and the load cannot slip through.
 * A truncated download, a bad SD-card sector or a wrong file dropped in the folder all end here with a
 * message naming the file, instead of as an opaque error (or garbage detections) from the runtime.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError, type ModelFormat, type ModelManifest, readManifest } from './manifest.js';

export interface VerifiedFile {
  path: string;
  bytes: Buffer;
}

export async function readVerifiedFiles(
  modelDir: string,
  manifest: ModelManifest,
  format: ModelFormat,
): Promise<VerifiedFile[]> {
  const files = manifest.files[format];
  if (files === undefined) throw new ModelError(`model ${manifest.name} ships no ${format} files (manifest "files")`);
  const verified: VerifiedFile[] = [];
  for (const file of files) {
    const path = join(modelDir, file.path);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
      throw new ModelError(`model file ${path} ${reason}: ${(error as Error).message}`);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== file.sha256) {
      throw new ModelError(
        `model file ${path} does not match its manifest: sha256 ${actual.slice(0, 16)}… (${bytes.length} bytes), ` +
          `expected ${file.sha256.slice(0, 16)}…; the file is damaged or not the shipped one — refusing to load it`,
      );
    }
    verified.push({ path, bytes });
  }
  return verified;
}

/**
 * Where a model lives: a bare name is a folder of the package's `models/` (found by walking up from this
 * file, which runs from src/ under tsx and from dist/src/ when built); anything with a slash is a path,
 * relative to `baseDir` (the config file's directory).
 */
export function modelDirectory(model: string, baseDir: string): string {
  if (model.includes('/') || model.includes('\\')) return resolve(baseDir, model);
  return join(packageModelsDir(), model);
}

let modelsDir: string | undefined;

function packageModelsDir(): string {
  if (modelsDir !== undefined) return modelsDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== 'src') {
    const parent = dirname(dir);
    if (parent === dir) throw new ModelError('the package folder models/ was not found above the program');
    dir = parent;
  }
  // src/ sits at the package root under tsx and in dist/ when built.
  const root = basename(dirname(dir)) === 'dist' ? dirname(dirname(dir)) : dirname(dir);
  modelsDir = join(root, 'models');
  return modelsDir;
}

/** The manifest and the verified files of one format, in one call. */
export async function loadModelFiles(modelDir: string, format: ModelFormat) {
  const manifest = await readManifest(modelDir);
  return { manifest, files: await readVerifiedFiles(modelDir, manifest, format) };
}
