/**
 * The disk benchmark's figures (disk.bench.ts) as markdown tables, scaled to a day.
 *
 * A day of a demo store = what it wrote beyond the no-traffic gateway, scaled by the store time its
 * window covered, plus the no-traffic gateway's own writes scaled by wall time. At `--speed 1` store
 * time is wall time and this is simply its write_bytes scaled to 24 h. The per-file tables are scaled
 * by store time alone, so at a speed above 1 their wall-clock share is under-counted; the no-traffic
 * table shows how large that share is.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetWrites } from './disk-writes.js';
import type { WalPages } from './wal-pages.js';

const MB = 1e6;
const DAY_S = 86_400;
const BUDGET_MB_PER_DAY = 50;

export interface Scenario {
  name: string;
  demo: boolean;
  uplink: boolean;
}

export interface Result {
  scenario: Scenario;
  dir: string;
  /** Wall seconds measured. */
  windowS: number;
  /** Store (event) seconds those covered: windowS × speed for a demo, windowS otherwise. */
  storeS: number;
  /** write_bytes over the window. */
  written: number;
  /** Bytes of log (stderr) over the window. */
  log: number;
  /** People in per hour of store time (HQ footfall); null without the demo. */
  shoppersPerHour: number | null;
  /** strace: write calls per file of the data directory, and sockets/other. */
  files: Map<string, TargetWrites>;
  /** Per database file: the pages of its WAL's current cycle by table. */
  wal: Map<string, WalPages | null>;
}

export const mb = (bytes: number) => (bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1);

/** Bytes a day: beyond the no-traffic gateway by store time, plus the no-traffic writes by wall time. */
function perDay(r: Result, idle: Result | undefined, value: (r: Result) => number): number {
  if (idle === undefined || r === idle) return (value(r) * DAY_S) / r.windowS;
  const idleRate = value(idle) / idle.windowS;
  return ((value(r) - idleRate * r.windowS) * DAY_S) / r.storeS + idleRate * DAY_S;
}

function fileSizes(dir: string): string {
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.yaml'))
    .map((name) => `${name} ${(statSync(join(dir, name)).size / MB).toFixed(2)} MB`)
    .join(', ');
}

/** 'sockets' holds MQTT, HTTP and the log (a child's stderr is a socket pair); 'other' eventfds and the like. */
export function report(results: Result[], speed: number): string {
  const idle = results.find((r) => !r.scenario.demo);
  const lines = [
    `| scenario | wall window | store time | write_bytes | MB / day | log MB / day (apart) | shoppers / store hour |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const shoppers = r.shoppersPerHour === null ? '—' : r.shoppersPerHour.toFixed(0);
    lines.push(
      `| ${r.scenario.name} | ${(r.windowS / 60).toFixed(1)} min | ${(r.storeS / 3600).toFixed(2)} h | ${mb(r.written)} MB | ` +
        `${mb(perDay(r, idle, (x) => x.written))} | ${mb(perDay(r, idle, (x) => x.log))} | ${shoppers} |`,
    );
  }
  for (const r of results) {
    const day = (value: number) => (value * DAY_S) / r.storeS;
    lines.push('', `${r.scenario.name}: write calls per target, per store day (sizes at the end: ${fileSizes(r.dir)})`);
    lines.push('', '| target | MB / day | writes / day | fsyncs / day |', '|---|---:|---:|---:|');
    for (const [target, w] of [...r.files].sort((a, b) => b[1].bytes - a[1].bytes)) {
      lines.push(`| ${target} | ${mb(day(w.bytes))} | ${day(w.calls).toFixed(0)} | ${day(w.syncs).toFixed(0)} |`);
    }
  }
  for (const r of results.filter((x) => x.scenario.demo)) {
    for (const [file, pages] of r.wal) {
      if (pages === null || pages.frames === 0) continue;
      const top = pages.byTable.slice(0, 8).map(([name, n]) => `${name} ${((100 * n) / pages.frames).toFixed(0)} %`);
      lines.push(
        '',
        `${r.scenario.name}, ${file}: ${pages.frames} pages in ${pages.commits} commits of the WAL's last cycle — ${top.join(', ')}`,
      );
    }
  }
  const verdicts = results.map((r) => `${r.scenario.name} ${mb(perDay(r, idle, (x) => x.written))}`);
  lines.push('', `speed ${speed}; budget ≤ ${BUDGET_MB_PER_DAY} MB/day (write_bytes): ${verdicts.join(', ')} MB/day`);
  return `${lines.join('\n')}\n`;
}
