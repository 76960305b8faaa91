/**
 * `npm run bench [-- NAME… [--OPTION VALUE…]]`: runs the benchmarks one after another, each in its own
 * process so one does not inherit another's heap. Names: ingest, paths, uplink, disk, streams, track, vision, cameras, hq (default: all);
 * options after the names go to each benchmark (e.g. `npm run bench -- disk --minutes 60`). Figures go
 * in the README.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const all = ['ingest', 'paths', 'uplink', 'disk', 'streams', 'track', 'vision', 'cameras', 'hq'];
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('--'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const chosen = names.length > 0 ? names : all;

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
    ['--max-semi-space-size=4', '--import', 'tsx', join(root, `test/bench/${name}.bench.ts`), ...options],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
