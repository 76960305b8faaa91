/**
 * Gives every device of the config a fresh password in a registry (adding the device when it is not
 * registered yet), for the virtual store. Only the demo and `simulate` do this: real devices get their
 * credentials from `omo-edge devices add`.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { DeviceRegistry } from '../registry/devices.js';

export async function provisionSimulatedDevices(
  config: GatewayConfig,
  registry: DeviceRegistry,
): Promise<Map<string, string>> {
  const credentials = new Map<string, string>();
  for (const device of config.devices) {
    const existing = registry.get(device.id);
    if (existing !== undefined && existing.kind !== device.kind) {
      throw new Error(
        `device ${device.id} is registered as kind "${existing.kind}" but the config says "${device.kind}"; ` +
          `remove it with 'omo-edge devices remove ${device.id}' first`,
      );
    }
    const { password } = existing ? await registry.rotate(device.id) : await registry.add(device.id, device.kind);
    credentials.set(device.id, password);
  }
  return credentials;
}
