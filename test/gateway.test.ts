/**
 * E2E: the part contract (src/part.ts, src/gateway.ts). A part added with one line is built from the
 * shared context after the parts it needs, started, asked for its health by `/healthz` and stopped in
 * reverse order; a part that fails to stop does not keep the others running; a start that fails stops
 * what had started.
 */
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway, gatewayParts } from '../src/gateway.js';
import type { Part, PartFactory, PartHealth } from '../src/part.js';
import { type GatewayUnderTest, MINIMAL_YAML, makeDataDir, startGateway, writeConfigFile } from './helpers/gateway.js';

const HOUR_MS = 3_600_000;
/** The start of the last whole hour: recent enough for retention. */
const HOUR = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
let running: GatewayUnderTest | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/**
 * A part that records its lifecycle into `events`, reports `health` (changeable by the test) and keeps
 * its figures in a declared aggregate stream, as a feature part (shelves, tills…) would.
 */
function probePart(events: string[], health: { current: PartHealth | Error }): PartFactory {
  return function probe({ need, addRoutes }) {
    // Built after the broker: the service it provided is there, as a later part's would be.
    const broker = need('broker');
    const figures = need('streams').declare({ name: 'probe', dimensions: ['door'], measures: { opened: 'sum' } });
    addRoutes({
      name: 'probe',
      register(app) {
        app.get('/probe', async () => ({ clients: broker.connectedCount() }));
        app.get(
          '/probe/hour',
          async () => figures.query({ resolution: 'hour', fromMs: HOUR, toMs: HOUR + HOUR_MS }).rows,
        );
      },
    });
    return {
      name: 'probe',
      start() {
        events.push('probe started');
        figures.write([{ bin_start_ms: HOUR + 60_000, dims: { door: 'front' }, values: { opened: 3 } }]);
        figures.write([{ bin_start_ms: HOUR, dims: { door: 'front' }, values: { opened: 2 } }]);
      },
      stop: () => void events.push(`probe stopped, broker running: ${broker.isRunning}`),
      health() {
        if (health.current instanceof Error) throw health.current;
        return health.current;
      },
    };
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('E2E: the part contract', () => {
  it('starts a part added with one line after the others, serves its routes and health, stops it first', async () => {
    const events: string[] = [];
    const health = { current: { status: 'ok', probes: 1 } as PartHealth | Error };
    // Everything between the brokerPart and the httpPart in start order; the probe slots in before HTTP.
    const parts = [...gatewayParts.slice(0, -1), probePart(events, health), ...gatewayParts.slice(-1)];
    running = await startGateway({ yaml: MINIMAL_YAML, parts });
    expect(events).toEqual(['probe started']);

    expect(await (await running.http('/probe')).json()).toEqual({ clients: 0 });
    // Two minute bins rolled up into the hour that holds them.
    const rows = (await (await running.http('/probe/hour')).json()) as unknown[];
    expect(rows).toEqual([expect.objectContaining({ dims: { door: 'front' }, values: { opened: 5 } })]);
    const ok = await running.http('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: 'ok',
      probe: { status: 'ok', probes: 1 },
      storage: { status: 'ok' },
    });

    health.current = { status: 'degraded', reason: 'camera away' };
    expect(await (await running.http('/healthz')).json()).toMatchObject({ status: 'degraded', probe: health.current });
    health.current = { status: 'down' };
    expect((await running.http('/healthz')).status).toBe(503);
    health.current = new Error('probe lost its device');
    const thrown = await running.http('/healthz');
    expect(thrown.status).toBe(503);
    expect(await thrown.json()).toMatchObject({ probe: { status: 'down', error: 'probe lost its device' } });

    await running.stop();
    running = undefined;
    // Reverse order: the probe stopped while the broker (started before it) still ran.
    expect(events).toEqual(['probe started', 'probe stopped, broker running: true']);
  });

  it('stops every other part when one fails to stop', async () => {
    const failing: PartFactory = () => ({
      name: 'stubborn',
      start() {},
      stop() {
        throw new Error('will not stop');
      },
    });
    running = await startGateway({ yaml: MINIMAL_YAML, parts: [...gatewayParts, failing] });
    const { mqtt, http } = running.ports;
    expect(await accepts(mqtt)).toBe(true);
    await running.stop();
    running = undefined;
    expect(await accepts(mqtt)).toBe(false);
    expect(await accepts(http)).toBe(false);
  });

  it('stops what had started when a later part fails to start, and names an ordering mistake', async () => {
    const dir = await makeDataDir();
    const configFile = await writeConfigFile(dir, MINIMAL_YAML);
    const stopped: string[] = [];
    const early: PartFactory = () => ({ name: 'early', start() {}, stop: () => void stopped.push('early') });
    const misplaced: PartFactory = function misplaced({ need }): Part {
      need('broker');
      throw new Error('unreachable');
    };
    const gateway = new Gateway({ configFile, dataDir: dir, mqttPort: 0, httpPort: 0, parts: [early, misplaced] });
    await expect(gateway.start()).rejects.toThrow(
      'part "misplaced" needs "broker", which no part started before it provides',
    );
    expect(stopped).toEqual(['early']);
  });
});
