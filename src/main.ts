#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The omo-edge CLI (ARCHITECTURE §9). Each command lives in src/cli/<command>.ts and is loaded only
 * when used, so `omo-edge devices list` does not pay for loading the broker or the detector.
 * The shebang bounds V8's young generation to 4 MB semi-spaces: the gateway allocates little per
 * message, and the default 16 MB kept ~10 MB more resident on a 2 GB board (README, Benchmarks).
 */
import { UsageError } from './cli/args.js';

const usage = `omo-edge — smart-store IoT edge gateway

Usage:
  omo-edge start [--config FILE] [--data-dir DIR] [--demo] [--mqtt-port N] [--http-port N]
  omo-edge check-config [--config FILE] [--json]
  omo-edge devices add ID --kind KIND [--json] | list [--json] | remove ID | rotate ID [--json]
  omo-edge tokens add NAME --scope S[,S] [--json] | list [--json] | revoke NAME
  omo-edge simulate --url mqtt://HOST:PORT [--seed N] [--shoppers N] [--speed X] [--duration S] [--ground-truth FILE] [--json]
  omo-edge uplink status [--json]
  omo-edge analyze --config FILE --tracks FILE [--format csv|obsmat] [--bin S] [--fps N] [--json]
  omo-edge replay --tracks FILE [--format csv|obsmat] [--fps N] --camera ID [--url mqtt://HOST:PORT]
                  [--speed X] [--password P] [--json]

Every command takes --config FILE (default $OMO_CONFIG or config/default.yaml) and --data-dir DIR
(default $OMO_DATA_DIR or ./data). Commands that print data take --json.
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./cli/start.js')).startCommand,
  'check-config': async () => (await import('./cli/check-config.js')).checkConfigCommand,
  devices: async () => (await import('./cli/devices.js')).devicesCommand,
  tokens: async () => (await import('./cli/tokens.js')).tokensCommand,
  simulate: async () => (await import('./cli/simulate.js')).simulateCommand,
  uplink: async () => (await import('./cli/uplink.js')).uplinkCommand,
  analyze: async () => (await import('./cli/analyze.js')).analyzeCommand,
  replay: async () => (await import('./cli/replay.js')).replayCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    process.stderr.write(`omo-edge: unknown command "${name}". Run 'omo-edge help' for the commands.\n`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`omo-edge: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`omo-edge: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
