/**
 * `omo-edge simulate` (usage below): the virtual store against a gateway in another process (or any
 * broker). Its devices get fresh credentials in the data directory's registry, which a gateway on that
 * directory picks up without a restart.
 */
import { join } from 'node:path';
import { profileKinds, profiles } from '../../devices/index.js';
import { loadConfig } from '../config/index.js';
import { DeviceRegistry } from '../registry/devices.js';
import { runSimulator } from '../simulate/index.js';
import { provisionSimulatedDevices } from '../simulate/provision.js';
import {
  configPath,
  dataDirPath,
  integerOption,
  numberOption,
  paceOptions,
  parse,
  printJson,
  UsageError,
} from './args.js';
import { type CliCommand, CONFIG_OPTION, DATA_DIR_OPTION, JSON_OPTION } from './usage.js';

/** A running gateway notices registry changes within its poll interval (2 s); wait a little longer. */
const REGISTRY_PICKUP_MS = 2500;

export const simulateCommand: CliCommand = {
  synopsis: [
    'simulate --url mqtt://HOST:PORT [--config FILE] [--data-dir DIR] [--seed N] [--shoppers N]',
    '         [--speed X] [--hours H] [--duration S] [--ground-truth FILE] [--json]',
  ],
  about: `Runs the virtual store of the config against a gateway (or any MQTT broker) until Ctrl-C, the
    duration or the last shopper. Its devices get fresh passwords in DIR/registry.json, which a gateway
    on DIR picks up without a restart. Every refusal the gateway replies counts; the exit code is 1 when
    there was any.

    A --speed above 1 starts the store in the past and runs it that much faster until it has caught up
    with the clock, then at 1x, so no reading is ahead of the gateway clock: H hours back (default 1),
    or with --duration, just so far that the run ends as it catches up.`,
  options: [
    ['--url URL', 'the broker: mqtt://, mqtts://, ws:// or wss://HOST:PORT'],
    CONFIG_OPTION,
    DATA_DIR_OPTION,
    ['--seed N', 'random seed; the same seed gives the same shoppers (default simulation.seed)'],
    ['--shoppers N', 'stop arrivals after N shopper groups, and end when the last has left'],
    ['--speed X', 'store seconds per real second, 0.1 to 1000 (default simulation.speed)'],
    ['--hours H', 'with a speed above 1: how far back the store starts, up to 24 (default 1)'],
    ['--duration S', 'store seconds to run'],
    ['--ground-truth FILE', 'write what really happened (people, visits, crossings) as JSON at the end'],
    JSON_OPTION,
  ],
  run: simulate,
};

async function simulate(argv: string[]): Promise<number> {
  const { values } = parse('simulate', argv, {
    url: { type: 'string' },
    seed: { type: 'string' },
    shoppers: { type: 'string' },
    speed: { type: 'string' },
    hours: { type: 'string' },
    duration: { type: 'string' },
    'ground-truth': { type: 'string' },
  });
  if (values.url === undefined) throw new UsageError('simulate: --url mqtt://HOST:PORT is required');
  // Options are checked before anything is written to the registry.
  const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
  const shoppers = integerOption('shoppers', values.shoppers, 1, 1_000_000);
  const durationS = numberOption('duration', values.duration, 1, 365 * 86_400);
  const pace = paceOptions('simulate', values);
  const { config } = await loadConfig(configPath(values.config), { knownKinds: profileKinds });
  const registry = await DeviceRegistry.open(join(dataDirPath(values['data-dir']), 'registry.json'));
  const credentials = await provisionSimulatedDevices(config, registry);
  process.stderr.write(`provisioned ${credentials.size} simulated devices in ${registry.path}\n`);
  await new Promise((resolve) => setTimeout(resolve, REGISTRY_PICKUP_MS));

  const runner = await runSimulator({
    config,
    url: values.url,
    credentials,
    profiles,
    publishRatePerS: config.broker.limits.publish_rate_per_s,
    ...(seed === undefined ? {} : { seed }),
    ...(shoppers === undefined ? {} : { shoppers }),
    ...(durationS === undefined ? {} : { durationS }),
    ...pace,
  });
  const progress = setInterval(() => {
    const stats = runner.stats();
    const sent = Object.values(stats.published).reduce((a, b) => a + b, 0);
    const behind =
      stats.behindS > 0 ? `, ${stats.behindS} s behind the clock (caught up in ${stats.catchUpEtaS} s)` : '';
    process.stderr.write(`simulated ${stats.simulatedTime}${behind}: ${sent} messages, ${stats.errors} refused\n`);
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
