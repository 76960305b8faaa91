/**
 * `npm run bench [-- NAME…]`: runs the benchmarks one after another, each in its own process so one
 * does not inherit another's heap. Names: ingest, paths, uplink (default: all). Figures go in the README.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const all = ['ingest', 'paths', 'uplink'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    process.stderr.write(`bench: unknown benchmark "${name}"; choose from ${all.join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n## ${name}\n\n`);
  // The same V8 young-generation bound as the shipped gateway (see src/main.ts), for the baselines too.
  const result = spawnSync(
    process.execPath,
    ['--max-semi-space-size=4', '--import', 'tsx', join(root, `test/bench/${name}.bench.ts`)],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
