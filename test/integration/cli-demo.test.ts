/**
 * E2E (issue 2, "Must show" 1): `omo-edge start --demo` as a real child process serves the demo store —
 * runtime.json names the bound ports, /healthz turns green, the simulated devices are connected over
 * real MQTT and /metrics counts their messages, nothing the simulator sends is refused, and SIGTERM stops
 * it cleanly (exit 0, runtime.json removed). How fast it gets ready is a budget for the benchmarks
 * (ARCHITECTURE §10 "Start"), not an assertion here: a 15 s bound failed beside other work on 2 cores.
 */
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningStart, spawnStart } from '../helpers/cli.js';
import { DEFAULT_CONFIG, makeDataDir, metricValue, parseMetrics, type Sample, waitFor } from '../helpers/gateway.js';

/** cam-west, cam-east, cam-checkout, six shelf scales, two screens (config/default.yaml). */
const DEMO_DEVICES = 11;

let dataDir: string | undefined;
/** Every child started, so a failed test cannot leave a demo gateway running after the file. */
const started: RunningStart[] = [];

async function startDemo(env: NodeJS.ProcessEnv): Promise<RunningStart> {
  if (dataDir === undefined) throw new Error('no data directory');
  const ports = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];
  const running = await spawnStart(['--demo', '--config', DEFAULT_CONFIG, '--data-dir', dataDir, ...ports], dataDir, {
    env,
  });
  started.push(running);
  return running;
}

afterAll(async () => {
  await Promise.all(started.map((child) => child.stop('SIGKILL')));
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function scrape(http: number): Promise<Sample[]> {
  const response = await fetch(`http://127.0.0.1:${http}/metrics`, { signal: AbortSignal.timeout(30_000) });
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
}

describe('E2E: omo-edge start --demo', () => {
  it('serves the demo store: healthy, devices connected, messages counted, none refused; SIGTERM stops it', async () => {
    dataDir = await makeDataDir('omo-e2e-demo-');
    const running = await startDemo({ OMO_LOG_LEVEL: 'info' });
    const { runtime } = running;
    expect(runtime.pid).toBe(running.child.pid);
    for (const port of [runtime.mqtt, runtime.ws, runtime.http]) expect(port).toBeGreaterThan(0);

    const health = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${runtime.http}/healthz`, {
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json()) as { status: string; broker: { connections: number } };
        return response.status === 200 && body.status === 'ok' ? body : null;
      },
      30_000,
      '/healthz to report ok',
    );
    expect(health.status).toBe('ok');

    const first = await waitFor(
      async () => {
        const samples = await scrape(runtime.http);
        const tracks = metricValue(samples, 'omo_ingest_messages_total', { kind: 'camera', stream: 'tracks' });
        return metricValue(samples, 'omo_broker_connections') >= DEMO_DEVICES && tracks > 0 ? samples : null;
      },
      30_000,
      `${DEMO_DEVICES} simulated devices connected and camera tracks counted`,
    );
    const tracksBefore = metricValue(first, 'omo_ingest_messages_total', { kind: 'camera', stream: 'tracks' });
    // Smart cameras publish at 5 Hz: a later scrape must count more.
    const second = await waitFor(
      async () => {
        const samples = await scrape(runtime.http);
        const tracks = metricValue(samples, 'omo_ingest_messages_total', { kind: 'camera', stream: 'tracks' });
        return tracks > tracksBefore ? samples : null;
      },
      30_000,
      'the camera track count to grow between scrapes',
    );
    expect(metricValue(second, 'omo_broker_connections')).toBeGreaterThanOrEqual(DEMO_DEVICES);
    expect(metricValue(second, 'omo_broker_messages_total', { kind: 'camera' })).toBeGreaterThan(0);
    expect(metricValue(second, 'omo_ingest_messages_total', { kind: 'shelf' })).toBeGreaterThan(0);
    // The simulator speaks the device contract exactly: nothing it sent may be refused, by ingest or broker.
    expect(
      second.filter((s) => s.name === 'omo_ingest_refused_total' && s.value > 0),
      running.stderr(),
    ).toEqual([]);
    expect(metricValue(second, 'omo_broker_refused_total')).toBe(0);
    expect(metricValue(second, 'omo_broker_auth_failures_total')).toBe(0);

    const exit = await running.stop('SIGTERM');
    expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
    await expect(access(join(dataDir, 'runtime.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('starts again on the same data directory (the second `npm start`) and stops on Ctrl-C (SIGINT)', async () => {
    if (dataDir === undefined) throw new Error('the first test did not run');
    const running = await startDemo({});
    const { runtime } = running;
    // The devices registered by the first run get fresh passwords and connect again.
    await waitFor(
      async () => metricValue(await scrape(runtime.http), 'omo_broker_connections') >= DEMO_DEVICES,
      30_000,
      'the simulated devices to connect again',
    );
    expect(metricValue(await scrape(runtime.http), 'omo_broker_auth_failures_total')).toBe(0);
    const exit = await running.stop('SIGINT');
    expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
    await expect(access(join(dataDir, 'runtime.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
