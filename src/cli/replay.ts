/**
 * `omo-edge replay` (ARCHITECTURE §9, issue 3 "Replay"; usage below): a track file published as one
 * camera's tracks by src/simulate/track-replay.ts. Credentials: with --password the camera must already
 * be registered; without, it is provisioned the way `simulate` does it — added, or its password rotated —
 * and a running gateway on that directory picks it up within its poll interval.
 */
import { join } from 'node:path';
import { profileKinds } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { readRuntimeFile } from '../http/runtime-file.js';
import { readTracksFile } from '../paths/tracks-file.js';
import { DeviceRegistry } from '../registry/devices.js';
import { framesOf, replayFrames } from '../simulate/track-replay.js';
import { TRACK_FILE_OPTIONS, trackFormat } from './analyze.js';
import { dataDirPath, numberOption, parse, printJson, UsageError } from './args.js';
import { type CliCommand, DATA_DIR_OPTION, JSON_OPTION } from './usage.js';

/** A running gateway notices registry changes within its poll interval (2 s); wait a little longer. */
const REGISTRY_PICKUP_MS = 2500;
const DEFAULT_BIN_S = 60;

export const replayCommand: CliCommand = {
  synopsis: [
    'replay --tracks FILE --camera ID [--format csv|obsmat] [--fps N] [--url mqtt://HOST:PORT]',
    '       [--speed X] [--password P] [--config FILE] [--data-dir DIR] [--json]',
  ],
  about: `Publishes a track file as camera ID's tracks over MQTT, one message per frame time, paced by
    event time, so the live figures can be compared with analyze. The file is moved in time to end at
    the moment it is sent (never ahead of the gateway clock), by whole bins.

    Without --password the camera is registered in DIR/registry.json (or its password rotated: replay
    under an id of its own, or a real camera with that id is locked out), and a gateway on DIR picks it
    up within seconds. Without --url it finds that gateway through DIR/runtime.json. Exit 1 when the
    gateway refused any frame.`,
  options: [
    ...TRACK_FILE_OPTIONS,
    ['--camera ID', 'the camera the file plays as'],
    ['--url URL', 'the gateway broker (default: the MQTT port in DIR/runtime.json)'],
    ['--speed X', 'event seconds per real second, 0.01 to 10000 (default 1)'],
    ['--password P', "the camera's password, when it is already registered"],
    ['--config FILE', 'only sets the bin length the file is aligned to (default 60 s)'],
    DATA_DIR_OPTION,
    JSON_OPTION,
  ],
  run: replay,
};

async function replay(argv: string[]): Promise<number> {
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
    throw new UsageError(
      `replay: no --url and no running gateway found (${join(dataDir, 'runtime.json')} is missing): start one on this --data-dir, or give --url`,
    );
  }
  return `mqtt://127.0.0.1:${runtime.mqtt}`;
}

async function provision(dataDir: string, camera: string): Promise<string> {
  const registry = await DeviceRegistry.open(join(dataDir, 'registry.json'));
  const existing = registry.get(camera);
  if (existing !== undefined && existing.kind !== 'camera') {
    throw new UsageError(
      `replay: device ${camera} is registered as kind "${existing.kind}", not camera; replay under another --camera id`,
    );
  }
  const { password } = existing === undefined ? await registry.add(camera, 'camera') : await registry.rotate(camera);
  process.stderr.write(`replay: ${existing === undefined ? 'registered' : 'rotated the password of'} ${camera}\n`);
  await new Promise((resolve) => setTimeout(resolve, REGISTRY_PICKUP_MS));
  return password;
}
