/**
 * Runs `analyze` or `replay` in a child process the way src/main.ts dispatches a command (exit code,
 * usage errors on stderr with code 2), for the CLI tests: `node --import tsx cli-child.ts analyze …`.
 */
import { UsageError } from '../../../src/cli/args.js';

const [name, ...argv] = process.argv.slice(2);
try {
  const command =
    name === 'analyze'
      ? (await import('../../../src/cli/analyze.js')).analyzeCommand
      : (await import('../../../src/cli/replay.js')).replayCommand;
  process.exitCode = await command(argv);
} catch (error) {
  process.stderr.write(`omo-edge: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
