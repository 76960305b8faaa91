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
  const gateway = new Gateway({
    configFile: configPath(values.config),
    dataDir: dataDirPath(values['data-dir']),
    mqttPort: integerOption('mqtt-port', values['mqtt-port'], 0, 65535),
    httpPort: integerOption('http-port', values['http-port'], 0, 65535),
  });
  // Listen for signals before anything starts: runtime.json appears before the demo is up, and a
  // Ctrl-C in between must still stop the gateway cleanly rather than kill it mid-start.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const stops: (() => Promise<void>)[] = [() => gateway.stop()];
  try {
    await gateway.start();
    if (values.demo) stops.unshift(await startDemo(gateway));
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  const signal = await signalled;
  log.info(`${signal}: stopping`);
  // Each stop on its own: a demo that fails to stop must not leave the gateway's sockets open.
  let code = 0;
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      log.error(`stop failed: ${(error as Error).message}`);
      code = 1;
    }
  }
  return code;
}
