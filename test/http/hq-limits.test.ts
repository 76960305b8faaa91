/**
 * The bounds of one HQ request (issue 8 item 1): the stored bins it may read (`http.query_max_bins`,
 * a 413 saying how to narrow it) and the query workers' queue (`http.query_queue`, a 503 `busy` with
 * Retry-After). The worker is held busy deterministically: the store's own connection takes SQLite's
 * exclusive lock before the worker first reads, so the worker's query waits on the lock until the test
 * lets go — no timing is assumed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/metrics.js';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { buildScenario, scenarioConfig } from '../aggregate/scenario.js';
import { metricValue, parseMetrics, waitFor } from '../helpers/gateway.js';
import { bearer } from './helpers/app.js';

const NOW = Date.parse('2026-03-30T12:00:00Z');
let hq: HqApp | undefined;
afterEach(async () => {
  await hq?.close();
  hq = undefined;
});

async function app(http: { query_max_bins?: number; query_queue?: number }, metrics = createRegistry()) {
  const config = scenarioConfig();
  config.http = { ...config.http, ...http };
  hq = await makeHqApp(buildScenario(config), { now: () => NOW, finalUntil: () => NOW, metrics });
  return hq;
}

const get = (url: string) => (hq as HqApp).http.app.inject({ url, headers: bearer((hq as HqApp).http.tokens.hq) });

describe('HQ request bounds', () => {
  it('answers 413 when a request would read more stored bins than http.query_max_bins, saying how to narrow it', async () => {
    await app({ query_max_bins: 1000 });
    // Transitions are paged per minute bin: two store days, one of them the 23-hour DST day, are 2,820.
    const response = await get('/api/v1/paths/transitions?from=2026-03-28&to=2026-03-30&bin=minute');
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: {
        code: 'query_too_large',
        message:
          'this request reads 2820 stored bins; one request may read 1000: narrow it with a shorter range (from, to), a coarser bin, or a smaller page (limit)',
      },
    });
    // The same question per hour reads 48 bins; sums over the range read whole days (query-cover.ts).
    expect((await get('/api/v1/paths/transitions?from=2026-03-28&to=2026-03-30&bin=hour')).statusCode).toBe(200);
    expect((await get('/api/v1/heatmap?from=2026-03-28&to=2026-03-30&bin=minute')).statusCode).toBe(200);
  });

  it('answers 503 busy with Retry-After when every worker is running and the queue is full', async () => {
    const metrics = createRegistry();
    const { fixture } = await app({ query_queue: 0 }, metrics);
    // Taken before the worker's first read; a WAL reader cannot read past it (busy_timeout keeps it waiting).
    fixture.db.pragma('locking_mode = EXCLUSIVE');
    fixture.db.exec('BEGIN EXCLUSIVE');
    fixture.db.exec('DELETE FROM agg_bin WHERE 0');
    const held = get('/api/v1/footfall?from=2026-03-28&to=2026-03-30&bin=hour');
    const running = async () =>
      metricValue(parseMetrics(await metrics.metrics()), 'omo_hq_queries', { state: 'running' });
    await waitFor(async () => (await running()) === 1, 30_000, 'the first query running in the worker');

    const refused = await get('/api/v1/zones/stats?from=2026-03-28&to=2026-03-30&bin=hour');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      error: {
        code: 'busy',
        message: '1 HQ queries are running or waiting, the most this gateway takes at once; retry after 1 s',
      },
    });
    expect(metricValue(parseMetrics(await metrics.metrics()), 'omo_hq_queries_refused_total')).toBe(1);

    fixture.db.exec('COMMIT');
    fixture.db.pragma('locking_mode = NORMAL');
    fixture.db.prepare('SELECT 1 FROM agg_bin LIMIT 1').get();
    expect((await held).statusCode).toBe(200);
    expect(await running()).toBe(0);
  });
});
