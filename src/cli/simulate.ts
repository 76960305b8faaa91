/**
 * `omo-edge simulate --url mqtt://HOST:PORT`: runs the virtual store of a config against a gateway
 * (or any broker). Its devices get fresh credentials in the data directory's registry; a gateway on
 * that data directory picks them up without a restart.
 */
import { join } from 'node:path';
import { profileKinds, profiles } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { DeviceRegistry } from '../registry/devices.js';
import { runSimulator } from '../simulate/index.js';
import { configPath, dataDirPath, integerOption, numberOption, parse, printJson, UsageError } from './args.js';
import { provisionSimulatedDevices } from './provision.js';

/** A running gateway notices registry changes within its poll interval (2 s); wait a little longer. */
const REGISTRY_PICKUP_MS = 2500;

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parse('simulate', argv, {
    url: { type: 'string' },
    seed: { type: 'string' },
    shoppers: { type: 'string' },
    speed: { type: 'string' },
    duration: { type: 'string' },
    'ground-truth': { type: 'string' },
  });
  if (values.url === undefined) throw new UsageError('simulate: --url mqtt://HOST:PORT is required');
  const { config } = await loadConfig(configPath(values.config), { knownKinds: profileKinds });
  const registry = await DeviceRegistry.open(join(dataDirPath(values['data-dir']), 'registry.json'));
  const credentials = await provisionSimulatedDevices(config, registry);
  process.stderr.write(`provisioned ${credentials.size} simulated devices in ${registry.path}\n`);
  await new Promise((resolve) => setTimeout(resolve, REGISTRY_PICKUP_MS));

  const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
  const shoppers = integerOption('shoppers', values.shoppers, 1, 1_000_000);
  const speed = numberOption('speed', values.speed, 0.1, 1000);
  const durationS = numberOption('duration', values.duration, 1, 365 * 86_400);
  const runner = await runSimulator({
    config,
    url: values.url,
    credentials,
    profiles,
    ...(seed === undefined ? {} : { seed }),
    ...(shoppers === undefined ? {} : { shoppers }),
    ...(speed === undefined ? {} : { speed }),
    ...(durationS === undefined ? {} : { durationS }),
  });
  const progress = setInterval(() => {
    const stats = runner.stats();
    const sent = Object.values(stats.published).reduce((a, b) => a + b, 0);
    process.stderr.write(`simulated ${stats.simulatedTime}: ${sent} messages, ${stats.errors} refused\n`);
  }, 5000);
  const stop = () => void runner.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await runner.done();
  clearInterval(progress);
  if (values['ground-truth'] !== undefined) await runner.writeGroundTruth(values['ground-truth']);
  const stats = runner.stats();
  if (values.json) printJson({ stats, ground_truth: runner.groundTruth() });
  else {
    process.stdout.write(`done: ${JSON.stringify(stats.published)}; ${stats.errors} refused by the gateway\n`);
  }
  return stats.errors === 0 ? 0 : 1;
}
