/**
 * `omo-edge check-config [--config FILE] [--json]`: validates a config without starting anything and
 * prints every problem as `file:line:col key = value: reason` (exit 1), or a short summary (exit 0).
 */
import { profileKinds } from '../../devices/index.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { configPath, parse, printJson } from './args.js';

export async function checkConfigCommand(argv: string[]): Promise<number> {
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
    };
    if (values.json) printJson(summary);
    else {
      process.stdout.write(
        `${file}: ok — store ${summary.store}, ${summary.zones} zones, ${summary.lines} lines, ${summary.devices} devices\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (values.json) printJson({ file, ok: false, problems: error.problems });
    else process.stderr.write(`${error.message}\n${error.problems.length} problem(s); the gateway will not start.\n`);
    return 1;
  }
}
