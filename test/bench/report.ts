/** Shared reporting for the benchmarks: latency percentiles (nearest rank) and a markdown table. */
export class LatencyRecorder {
  private readonly samples: number[] = [];
  add(ms: number): void {
    this.samples.push(ms);
  }
  percentile(q: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil(q * sorted.length));
    return sorted[rank - 1] as number;
  }
}

export interface ScenarioResult {
  target: string;
  scenario: string;
  sent: number;
  arrived: number;
  msgPerS: number;
  p50Ms: number;
  p99Ms: number;
  cpuPct: number;
}

export function printTable(results: ScenarioResult[]): void {
  const header = '| scenario | target | sent | arrived | msg/s | p50 ms | p99 ms | CPU % (1 core = 100) |';
  const lines = [header, '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    lines.push(
      `| ${r.scenario} | ${r.target} | ${r.sent} | ${r.arrived} | ${r.msgPerS} | ${r.p50Ms} | ${r.p99Ms} | ${r.cpuPct} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
