/**
 * `omo-edge check-config` (usage below): loads the config exactly as `start` does, and reports it.
 */
import { profileKinds } from '../../devices/index.js';
import { ConfigError, type GatewayConfig, loadConfig } from '../config/index.js';
import { calibrate } from '../vision/homography.js';
import { configPath, parse, printJson } from './args.js';
import { type CliCommand, CONFIG_OPTION, JSON_OPTION } from './usage.js';

export const checkConfigCommand: CliCommand = {
  synopsis: ['check-config [--config FILE] [--json]'],
  about: `Validates a config without starting anything. Each problem is printed as
    FILE:LINE:COL key = value: reason (exit 1); a valid config gets a summary, with the calibration error
    of every calibrated camera (exit 0).`,
  options: [CONFIG_OPTION, JSON_OPTION],
  run: checkConfig,
};

async function checkConfig(argv: string[]): Promise<number> {
  const { values } = parse('check-config', argv, {});
  const file = configPath(values.config);
  try {
    const { config } = await loadConfig(file, { knownKinds: profileKinds });
    const summary = {
      file,
      ok: true,
      store: config.store.id,
      zones: config.floor.zones.length,
      lines: config.floor.lines.length,
      devices: config.devices.length,
      cameras: cameraCalibrations(config),
    };
    if (values.json) printJson(summary);
    else {
      process.stdout.write(
        `${file}: ok — store ${summary.store}, ${summary.zones} zones, ${summary.lines} lines, ${summary.devices} devices\n`,
      );
      for (const camera of summary.cameras) {
        process.stdout.write(
          `  camera ${camera.id}: calibration error mean ${cm(camera.mean_error_m)}, max ${cm(camera.max_error_m)} (bound ${cm(camera.bound_m)})\n`,
        );
      }
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (values.json) printJson({ file, ok: false, problems: error.problems });
    else process.stderr.write(`${error.message}\n${error.problems.length} problem(s); the gateway will not start.\n`);
    return 1;
  }
}

/** Each calibrated camera's reprojection error (issue 3: the installer sees how good a calibration is). */
function cameraCalibrations(config: GatewayConfig) {
  return config.devices.flatMap((device) => {
    const calibration = device.camera?.calibration;
    if (calibration === undefined) return [];
    const fit = calibrate(calibration.points);
    return [
      { id: device.id, mean_error_m: fit.meanErrorM, max_error_m: fit.maxErrorM, bound_m: calibration.max_error_m },
    ];
  });
}

const cm = (metres: number): string => `${(metres * 100).toFixed(2)} cm`;
