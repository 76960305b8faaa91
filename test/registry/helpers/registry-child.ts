/**
 * Changes a device registry from a separate process, as the `omo-edge devices` CLI does while the gateway
 * runs. Usage: node --import tsx registry-child.ts <registry.json> add|remove|rotate <id> [kind]
 * Prints the JSON result (the new password for add/rotate) on stdout.
 */
import { DeviceRegistry } from '../../../src/registry/devices.js';

const [path, op, id, kind] = process.argv.slice(2);
if (path === undefined || op === undefined || id === undefined) {
  throw new Error('usage: registry-child.ts <registry.json> add|remove|rotate <id> [kind]');
}
const registry = await DeviceRegistry.open(path);
if (op === 'add') process.stdout.write(JSON.stringify(await registry.add(id, kind ?? 'shelf')));
else if (op === 'rotate') process.stdout.write(JSON.stringify(await registry.rotate(id)));
else if (op === 'remove') {
  await registry.remove(id);
  process.stdout.write('{}');
} else throw new Error(`unknown operation ${op}`);
