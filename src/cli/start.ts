/**
 * `omo-edge start`: runs the gateway until SIGINT/SIGTERM, then stops every part in reverse order.
 * With --demo the virtual store runs as the gateway's last part (src/simulate/part.ts), so `npm start`
 * shows a living store on a fresh machine; with --speed it fast-forwards from the past.
 */
import { createLogger } from '../log.js';
import { configPath, dataDirPath, integerOption, paceOptions, parse, UsageError } from './args.js';
import { type CliCommand, CONFIG_OPTION, DATA_DIR_OPTION } from './usage.js';

const log = createLogger('omo:main');

async function start(argv: string[]): Promise<number> {
  const { values } = parse('start', argv, {
    demo: { type: 'boolean', default: false },
    'mqtt-port': { type: 'string' },
    'ws-port': { type: 'string' },
    'http-port': { type: 'string' },
    speed: { type: 'string' },
    hours: { type: 'string' },
  });
  const pace = paceOptions('start', values);
  if (!values.demo && (values.speed !== undefined || values.hours !== undefined)) {
    throw new UsageError('start: --speed and --hours set the pace of the demo store; add --demo');
  }
  // Loaded here, not at the top: `omo-edge help` reads this file for its usage and should not wait
  // for the whole gateway (most of the CLI's start-up time) to load.
  const [{ Gateway, gatewayParts }, { demoPart }] = await Promise.all([
    import('../gateway.js'),
    import('../simulate/part.js'),
  ]);
  const gateway = new Gateway({
    configFile: configPath(values.config),
    dataDir: dataDirPath(values['data-dir']),
    mqttPort: integerOption('mqtt-port', values['mqtt-port'], 0, 65535),
    wsPort: integerOption('ws-port', values['ws-port'], 0, 65535),
    httpPort: integerOption('http-port', values['http-port'], 0, 65535),
    ...(values.demo ? { parts: [...gatewayParts, demoPart(pace)] } : {}),
  });
  // Listen for signals before anything starts: runtime.json appears before the demo is up, and a
  // Ctrl-C in between must still stop the gateway cleanly rather than kill it mid-start.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await gateway.start();
  const signal = await signalled;
  log.info(`${signal}: stopping`);
  await gateway.stop();
  return 0;
}

export const startCommand: CliCommand = {
  synopsis: [
    'start [--config FILE] [--data-dir DIR] [--mqtt-port N] [--ws-port N] [--http-port N]',
    '      [--demo [--speed X] [--hours H]]',
  ],
  about: `Runs the gateway until Ctrl-C (SIGINT) or SIGTERM, then stops every part in reverse order. Once it
    listens it writes DIR/runtime.json with the ports it bound (mqtt, ws, http) and its pid, so scripts
    can find it; port 0 picks a free port.

    --demo also runs the virtual store of the config (config/default.yaml is the demo store) against the
    gateway over real MQTT. With --speed X above 1 the store starts H hours in the past and runs X times
    faster than real time until it has caught up with the clock, then at 1x: the last H hours of figures
    appear in H·60/(X−1) minutes, and no reading is ever ahead of the gateway clock. While fast-forwarding,
    smart cameras send every 2nd frame when their rate would exceed broker.limits.publish_rate_per_s; a
    speed too fast even for that is refused with the largest one that fits.`,
  options: [
    CONFIG_OPTION,
    DATA_DIR_OPTION,
    ['--mqtt-port N', 'MQTT over TCP port (overrides $OMO_MQTT_PORT and broker.mqtt_port)'],
    ['--ws-port N', 'MQTT over WebSocket port (overrides $OMO_WS_PORT and broker.ws_port)'],
    ['--http-port N', 'HTTP port (overrides $OMO_HTTP_PORT and http.port)'],
    ['--demo', 'also run the virtual store of the config against this gateway'],
    ['--speed X', 'with --demo: store seconds per real second, 0.1 to 1000 (default simulation.speed)'],
    ['--hours H', 'with --demo and a speed above 1: how far back the store starts, up to 24 (default 1)'],
  ],
  run: start,
};
