/**
 * `omo-edge detect IMAGE…` (ARCHITECTURE §9, issue 9 point 6): the gateway's person detector on image
 * files — the same model check, backend choice, pre-processing and decoding a plain camera's frames go
 * through — so an installer can see what a camera's picture yields before wiring the camera. It counts
 * people only (class `person`), whatever `vision.detector.classes` says.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { type DetectorConfig, DetectorSchema } from '../config/schema.js';
import { createLogger } from '../log.js';
import { createDetector, type DetectionResult } from '../vision/detector/detector.js';
import { modelDirectory } from '../vision/detector/model-files.js';
import { BACKEND_KEYS, type BackendKey } from '../vision/detector/plugins.js';
import { numberOption, parse, printJson, printRows, UsageError } from './args.js';
import { type CliCommand, JSON_OPTION } from './usage.js';

export const detectCommand: CliCommand = {
  synopsis: ['detect IMAGE… [--backend onnx|tfjs] [--threshold S] [--config FILE] [--json]'],
  about: `Finds people in JPEG images with the gateway's detector and prints, per image, its size, the
    backend, the number of people at the threshold, each box ([left, top, width, height] in pixels) with
    its score, and the milliseconds spent decoding, in inference and in total. With --json: one object
    per image, an array for several. The model's files are checked against their sha256 first; an image
    that is not a decodable JPEG is reported on stderr and the exit code is 1.`,
  options: [
    ['--backend onnx|tfjs', 'the detector backend (default vision.detector.backend, onnx); no fallback to the other'],
    ['--threshold S', 'lowest score counted, 0.05 to 0.99 (default vision.detector.threshold, 0.5)'],
    ['--config FILE', 'take vision.detector from this config (default: the built-in defaults)'],
    JSON_OPTION,
  ],
  run: detectImages,
};

async function detectImages(argv: string[]): Promise<number> {
  const { values, positionals } = parse('detect', argv, {
    backend: { type: 'string' },
    threshold: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('detect: give at least one IMAGE');
  if (values.backend !== undefined && !BACKEND_KEYS.includes(values.backend as BackendKey)) {
    throw new UsageError(`--backend must be one of ${BACKEND_KEYS.join(', ')}, got "${values.backend}"`);
  }
  const threshold = numberOption('threshold', values.threshold, 0.05, 0.99);
  const { settings, baseDir } = await detectorSettings(values.config);
  const detector = await createDetector(
    modelDirectory(settings.model, baseDir),
    {
      ...settings,
      classes: ['person'],
      backend: (values.backend as BackendKey | undefined) ?? settings.backend,
      // An explicit --backend means that one; the config's own choice keeps its fallback.
      fallback: values.backend === undefined && settings.fallback,
      threshold: threshold ?? settings.threshold,
    },
    createLogger('omo:detect'),
  );
  const reports: ImageReport[] = [];
  let failed = 0;
  try {
    for (const file of positionals) {
      try {
        reports.push(report(file, await detector.detect(await readFile(file))));
      } catch (error) {
        failed++;
        process.stderr.write(`detect: ${file}: ${(error as Error).message}\n`);
      }
    }
  } finally {
    await detector.dispose();
  }
  if (values.json) printJson(positionals.length === 1 ? (reports[0] ?? null) : reports);
  else printTable(reports, `${detector.backend} (${detector.runtime}), threshold ${threshold ?? settings.threshold}`);
  return failed > 0 ? 1 : 0;
}

async function detectorSettings(config: string | undefined): Promise<{ settings: DetectorConfig; baseDir: string }> {
  if (config === undefined) {
    return { settings: Value.Default(DetectorSchema, {}) as DetectorConfig, baseDir: process.cwd() };
  }
  const loaded = await loadConfig(config, { knownKinds: profileKinds });
  return { settings: loaded.config.vision.detector, baseDir: dirname(config) };
}

interface ImageReport {
  file: string;
  width: number;
  height: number;
  backend: string;
  people: number;
  detections: { box: [number, number, number, number]; score: number }[];
  ms: { decode: number; inference: number; total: number };
}

function report(file: string, result: DetectionResult): ImageReport {
  const ms = (value: number) => Math.round(value * 10) / 10;
  return {
    file,
    width: result.width,
    height: result.height,
    backend: result.backend,
    people: result.detections.length,
    detections: result.detections.map(({ box, score }) => ({ box, score })),
    ms: { decode: ms(result.ms.decode), inference: ms(result.ms.inference), total: ms(result.ms.total) },
  };
}

function printTable(reports: ImageReport[], heading: string): void {
  process.stdout.write(`backend ${heading}\n\n`);
  printRows(
    reports.map((r) => ({
      file: r.file,
      size: `${r.width}x${r.height}`,
      people: r.people,
      scores: r.detections.map((d) => d.score.toFixed(2)).join(' '),
      decode_ms: r.ms.decode,
      inference_ms: r.ms.inference,
      total_ms: r.ms.total,
    })),
    false,
    ['file', 'size', 'people', 'decode_ms', 'inference_ms', 'total_ms', 'scores'],
  );
}
