/**
 * `omo-edge replay --tracks FILE [--format csv|obsmat] [--fps N] --camera ID [--url mqtt://HOST:PORT]
 *  [--speed X] [--config FILE] [--data-dir DIR] [--password P] [--json]` (ARCHITECTURE §9, issue 3
 * "Replay"): publishes a track file as camera ID's tracks, paced by event time (src/simulate/track-replay.ts).
 *
 * Credentials: with --password the camera must already be registered. Without, the camera is
 * provisioned in the data directory's registry the way `simulate` does it — added, or its password
 * rotated (a real camera with that id is then locked out: replay under an id of its own) — and a running
 * gateway on that directory picks it up within its poll interval. --url defaults to the MQTT port in the
 * data directory's runtime.json. --config only sets the bin length the timestamps are aligned to.
 */
import { join } from 'node:path';
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { readRuntimeFile } from '../http/runtime-file.js';
import { readTracksFile } from '../paths/tracks-file.js';
import { DeviceRegistry } from '../registry/devices.js';
import { framesOf, replayFrames } from '../simulate/track-replay.js';
import { trackFormat } from './analyze.js';
import { dataDirPath, numberOption, parse, printJson, UsageError } from './args.js';

/** A running gateway notices registry changes within its poll interval (2 s); wait a little longer. */
const REGISTRY_PICKUP_MS = 2500;
const DEFAULT_BIN_S = 60;

export async function replayCommand(argv: string[]): Promise<number> {
  const { values } = parse('replay', argv, {
    tracks: { type: 'string' },
    format: { type: 'string' },
    fps: { type: 'string' },
    camera: { type: 'string' },
    url: { type: 'string' },
    speed: { type: 'string' },
    password: { type: 'string' },
  });
  if (values.tracks === undefined) throw new UsageError('replay: --tracks FILE is required');
  const camera = values.camera;
  if (camera === undefined) throw new UsageError('replay: --camera ID is required (the camera the file plays as)');
  const format = trackFormat(values.format);
  const fps = numberOption('fps', values.fps, 0.001, 10_000);
  const speed = numberOption('speed', values.speed, 0.01, 10_000) ?? 1;
  const dataDir = dataDirPath(values['data-dir']);
  const binS =
    values.config === undefined
      ? DEFAULT_BIN_S
      : (await loadConfig(values.config, { knownKinds: profileKinds })).config.analysis.bin_s;
  const frames = framesOf(await readTracksFile(values.tracks, format, fps));
  const url = values.url ?? (await urlFromRuntime(dataDir));
  const password = values.password ?? (await provision(dataDir, camera));

  const report = await replayFrames({
    url,
    camera,
    password,
    frames,
    speed,
    alignMs: binS * 1000,
    onProgress: (sent, total) => process.stderr.write(`replay: ${sent}/${total} frames sent\n`),
  });
  if (values.json) printJson(report);
  else {
    process.stdout.write(
      `replayed ${report.frames} frames (${report.samples} samples) as ${camera} at ${speed}x in ${report.wall_s} s; ` +
        `event time ${new Date(report.first_ts).toISOString()} … ${new Date(report.last_ts).toISOString()}; ` +
        `${report.refused} refused by the gateway\n`,
    );
    for (const refusal of report.refusals) process.stdout.write(`  refused: ${refusal}\n`);
  }
  return report.refused === 0 ? 0 : 1;
}

async function urlFromRuntime(dataDir: string): Promise<string> {
  const runtime = await readRuntimeFile(dataDir);
  if (runtime === null) {
    throw new UsageError(`replay: no --url and no running gateway found (${join(dataDir, 'runtime.json')} is missing)`);
  }
  return `mqtt://127.0.0.1:${runtime.mqtt}`;
}

async function provision(dataDir: string, camera: string): Promise<string> {
  const registry = await DeviceRegistry.open(join(dataDir, 'registry.json'));
  const existing = registry.get(camera);
  if (existing !== undefined && existing.kind !== 'camera') {
    throw new UsageError(`replay: device ${camera} is registered as kind "${existing.kind}", not camera`);
  }
  const { password } = existing === undefined ? await registry.add(camera, 'camera') : await registry.rotate(camera);
  process.stderr.write(`replay: ${existing === undefined ? 'registered' : 'rotated the password of'} ${camera}\n`);
  await new Promise((resolve) => setTimeout(resolve, REGISTRY_PICKUP_MS));
  return password;
}
