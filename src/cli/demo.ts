/**
 * `start --demo`: the gateway serves the virtual store of its config (config/default.yaml is the demo
 * store). The simulated devices get fresh credentials in the gateway's own registry and connect over
 * real MQTT to its broker, exactly like hardware would.
 */
import { profiles } from '../../devices/index.js';
import type { Gateway } from '../gateway.js';
import { createLogger } from '../log.js';
import { runSimulator } from '../simulate/index.js';
import { provisionSimulatedDevices } from './provision.js';

const log = createLogger('omo:demo');

export async function startDemo(gateway: Gateway): Promise<() => Promise<void>> {
  const config = gateway.settings;
  const credentials = await provisionSimulatedDevices(config, gateway.deviceRegistry);
  const runner = await runSimulator({
    config,
    url: `mqtt://127.0.0.1:${gateway.ports.mqtt}`,
    credentials,
    profiles,
  });
  log.info(`demo store running: ${credentials.size} simulated devices; HTTP API on port ${gateway.ports.http}`);
  return () => runner.stop();
}
