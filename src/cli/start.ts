/**
 * `omo-edge start`: runs the gateway until SIGINT/SIGTERM, then stops every part in reverse order.
 * With --demo it also provisions the demo store's devices and runs the virtual store against its own
 * broker, so `npm start` shows a living store on a fresh machine.
 */
import { Gateway } from '../gateway.js';
import { createLogger } from '../log.js';
import { configPath, dataDirPath, integerOption, parse } from './args.js';
import { startDemo } from './demo.js';

const log = createLogger('omo:main');

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parse('start', argv, {
    demo: { type: 'boolean', default: false },
    'mqtt-port': { type: 'string' },
    'http-port': { type: 'string' },
  });
  const dataDir = dataDirPath(values['data-dir']);
  const gateway = new Gateway({
    configFile: configPath(values.config),
    dataDir,
    mqttPort: integerOption('mqtt-port', values['mqtt-port'], 0, 65535),
    httpPort: integerOption('http-port', values['http-port'], 0, 65535),
  });
  const stops: (() => Promise<void>)[] = [() => gateway.stop()];
  await gateway.start();
  if (values.demo) stops.unshift(await startDemo(gateway));

  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: stopping`);
      (async () => {
        for (const stop of stops) await stop();
      })().then(
        () => resolve(0),
        (error: Error) => {
          log.error(`stop failed: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
