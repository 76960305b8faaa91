#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The omo-edge CLI (ARCHITECTURE §9); the commands are in src/cli/commands.ts. `--help`/`-h` is answered
 * here, before a command runs, so asking for help never starts, creates or connects anything.
 * The shebang bounds V8's young generation to 4 MB semi-spaces: the gateway allocates little per
 * message, and the default 16 MB kept ~10 MB more resident on a 2 GB board (README, Benchmarks).
 */
import { UsageError } from './cli/args.js';
import { commands, overview, packageVersion } from './cli/commands.js';
import { usageText, wantsHelp } from './cli/usage.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(await overview());
    return 2;
  }
  if (name === 'help' && rest[0] !== undefined) return help(rest[0]);
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await overview());
    return 0;
  }
  const load = commands[name];
  if (load === undefined) throw new UnknownCommand(name);
  const command = await load();
  if (wantsHelp(rest)) {
    process.stdout.write(usageText(command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) error.message += `\nRun 'omo-edge ${name} --help' for its usage.`;
    throw error;
  }
}

async function help(name: string): Promise<number> {
  const load = commands[name];
  if (load === undefined) throw new UnknownCommand(name);
  process.stdout.write(usageText(await load()));
  return 0;
}

class UnknownCommand extends UsageError {
  constructor(name: string) {
    super(`unknown command "${name}". Run 'omo-edge help' for the commands.`);
  }
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
