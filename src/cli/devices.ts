/**
 * `omo-edge devices …` (usage below): works on the registry file in the data directory, which a running
 * gateway follows.
 */
import { join } from 'node:path';
import { profileKinds } from '../../devices/index.js';
import { DeviceRegistry } from '../registry/devices.js';
import { dataDirPath, parse, printJson, printRows, requirePositional, UsageError } from './args.js';
import { type CliCommand, DATA_DIR_OPTION, JSON_OPTION } from './usage.js';

const ACTIONS = ['add', 'list', 'remove', 'rotate'] as const;

export const devicesCommand: CliCommand = {
  synopsis: [
    'devices add ID --kind KIND [--json]',
    'devices list [--json]',
    'devices remove ID [--json]',
    'devices rotate ID [--json]',
  ],
  about: `Device credentials, in DIR/registry.json. add registers a device and prints its password, once:
    only a hash is kept, so store it on the device. rotate gives a device a new password. A running
    gateway on the same data directory follows the file: changes apply without a restart, and a removed
    or rotated device is disconnected at once. Without an action, list.`,
  options: [['--kind KIND', `the device profile: ${profileKinds.join(', ')}`], DATA_DIR_OPTION, JSON_OPTION],
  actions: ACTIONS,
  run: devices,
};

async function devices(argv: string[]): Promise<number> {
  const { values, positionals } = parse('devices', argv, {
    kind: { type: 'string' },
  });
  const [action] = positionals;
  const registry = await DeviceRegistry.open(join(dataDirPath(values['data-dir']), 'registry.json'));
  switch (action) {
    case 'add': {
      const id = requirePositional('devices add', positionals, 1, 'the device ID');
      const kind = values.kind;
      if (kind === undefined)
        throw new UsageError(`devices add: --kind is required (one of ${profileKinds.join(', ')})`);
      if (!profileKinds.includes(kind)) {
        throw new UsageError(
          `devices add: --kind "${kind}" has no device profile; use one of ${profileKinds.join(', ')}`,
        );
      }
      const { password } = await registry.add(id, kind);
      printCredentials({ id, kind, password }, values.json);
      return 0;
    }
    case 'rotate': {
      const id = requirePositional('devices rotate', positionals, 1, 'the device ID');
      const { password } = await registry.rotate(id);
      const kind = registry.get(id)?.kind ?? '';
      printCredentials({ id, kind, password }, values.json);
      return 0;
    }
    case 'remove': {
      const id = requirePositional('devices remove', positionals, 1, 'the device ID');
      await registry.remove(id);
      if (values.json) printJson({ id, removed: true });
      else process.stdout.write(`removed ${id}; a running gateway disconnects it now\n`);
      return 0;
    }
    case 'list':
    case undefined:
      printRows(
        registry.list().map((d) => ({
          id: d.id,
          kind: d.kind,
          created_at: d.createdAt,
          updated_at: d.updatedAt,
        })),
        values.json,
        ['id', 'kind', 'created_at', 'updated_at'],
      );
      return 0;
    default:
      throw new UsageError(`devices: unknown action "${action}"; use ${ACTIONS.join(', ')}`);
  }
}

function printCredentials(device: { id: string; kind: string; password: string }, json: boolean): void {
  if (json) {
    printJson({
      ...device,
      username: device.id,
      topic_prefix: `omo/${device.kind}/${device.id}/`,
    });
    return;
  }
  process.stdout.write(
    `device ${device.id} (${device.kind})\n` +
      `  username: ${device.id}\n  password: ${device.password}\n` +
      `  publishes under omo/${device.kind}/${device.id}/\n` +
      'The password is shown only now; store it on the device. Only its hash is kept here.\n',
  );
}
