/**
 * The registry part: the device registry (credential hashes) and the API tokens, two lowdb documents in
 * the data directory that the CLI may change while the gateway runs (both followed live).
 */
import { join } from 'node:path';
import { type PartFactory, stopEach } from '../part.js';
import { DeviceRegistry } from './devices.js';
import { TokenStore } from './tokens.js';

export const registryPart: PartFactory = (context) => {
  let devices: DeviceRegistry | undefined;
  let tokens: TokenStore | undefined;
  return {
    name: 'registry',
    async start() {
      devices = await DeviceRegistry.open(join(context.dataDir, 'registry.json'));
      await devices.start();
      context.provide('devices', devices);
      tokens = await TokenStore.open(join(context.dataDir, 'tokens.json'));
      await tokens.start();
      context.provide('tokens', tokens);
    },
    stop: () =>
      stopEach(
        () => tokens?.stop(),
        () => devices?.stop(),
      ),
  };
};
