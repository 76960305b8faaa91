/**
 * HQ query latency (issue 8 "Must show"): the real gateway (dist/, its own process) on a store with a
 * year of aggregates (generated: hours and days for 366 days, minutes and quarters for the last 31 —
 * test/helpers/year-store.ts), every HQ route asked for a day, a month (30 d) and a year (365 d) at each
 * bin, one request at a time, `--reps` times each (default 10); meanwhile a shelf publishes QoS 1 at
 * 50 msg/s and its PUBACK latency is recorded, with the gateway's RSS. A combination the API refuses is
 * listed with its status (400: a span longer than the bin allows; 413: more stored bins than
 * `http.query_max_bins`). Run: `npm run bench -- hq` (builds dist first).
 */
import { setLogLevel } from '../../src/log.js';
import { DAY_MS, percentile, publishWhile, rssMb, startYearStore } from '../helpers/year-store.js';

setLogLevel('warn');

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 10;
const SPANS: [string, number][] = [
  ['day', 1],
  ['month', 30],
  ['year', 365],
];
const BINS = ['minute', '15min', 'hour', 'day'];
const ROUTES = ['zones/stats', 'footfall', 'paths/transitions', 'paths/top', 'heatmap', 'summary/daily'];

const store = await startYearStore(31);
const rows: string[] = [];
let rssMax = await rssMb(store.runtime.pid);
const shelf = await store.shelf();
const run = (async () => {
  for (const [span, days] of SPANS) {
    const range = `from=${new Date(store.endMs - days * DAY_MS).toISOString()}&to=${new Date(store.endMs).toISOString()}`;
    for (const bin of BINS) {
      for (const route of ROUTES) {
        // The daily summary is per store day whatever the bin: asked once, with bin=day.
        if (route === 'summary/daily' && bin !== 'day') continue;
        const times: number[] = [];
        const statuses = new Set<number>();
        for (let i = 0; i < REPS; i++) {
          const started = performance.now();
          const response = await store.http(`/api/v1/${route}?${range}&bin=${bin}`);
          await response.arrayBuffer();
          times.push(performance.now() - started);
          statuses.add(response.status);
        }
        rssMax = Math.max(rssMax, await rssMb(store.runtime.pid));
        const status = [...statuses].join('/');
        const cells = [route, bin, span, status, percentile(times, 50).toFixed(1), percentile(times, 99).toFixed(1)];
        rows.push(`| ${cells.join(' | ')} |`);
      }
    }
  }
})();
const { sent, acked } = await publishWhile(shelf, run, 50, 250);
await run;
await shelf.endAsync();
await store.stop();

process.stdout.write('| route | bin | span | status | p50 ms | p99 ms |\n|---|---|---|---|---:|---:|\n');
process.stdout.write(`${rows.join('\n')}\n\n`);
process.stdout.write(
  `shelf at 50 msg/s QoS 1 meanwhile: ${sent} readings, PUBACK p50 ${percentile(acked, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(acked, 99).toFixed(1)} ms, max ${Math.max(...acked).toFixed(1)} ms; gateway RSS max ${rssMax.toFixed(0)} MB\n`,
);
