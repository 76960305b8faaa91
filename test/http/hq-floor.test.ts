/**
 * `GET /api/v1/floor` (ARCHITECTURE §8): the configured floor plan with names, so HQ and the dashboard
 * can name the ids of every figure — zones, lines, fixtures, cameras, bounds, the heatmap grid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../../src/config/schema.js';
import { type HqApp, makeHqApp } from '../aggregate/hq-app.js';
import { buildScenario, scenarioConfig } from '../aggregate/scenario.js';
import { bearer } from './helpers/app.js';

const BENCH = {
  id: 'bench',
  name: 'Bench',
  polygon: [
    [-3, 16],
    [-2, 16],
    [-2, 18],
  ] as [number, number][],
};

function floorConfig(): GatewayConfig {
  const config = scenarioConfig();
  const door = config.floor.lines.find((line) => line.id === 'door');
  if (door) door.name = 'Shop door';
  config.floor.fixtures.push(BENCH);
  config.devices.push(
    { id: 'cam-zara', kind: 'camera', name: 'Pavement camera', camera: { type: 'smart', fps: 5 } },
    {
      id: 'cam-door',
      kind: 'camera',
      camera: {
        type: 'plain',
        fps: 2,
        coverage: [
          [1, 4.5],
          [4, 4.5],
          [4, 7.5],
        ],
      },
    },
    {
      id: 'shelf-1',
      kind: 'shelf',
      shelf: { chilled: false, lanes: [{ lane: 0, sku: 'A', unit_grams: 100, capacity: 20 }] },
    },
  );
  return config;
}

let hq: HqApp;
beforeAll(async () => {
  hq = await makeHqApp({ ...buildScenario(floorConfig()), records: [] });
});
afterAll(async () => {
  await hq.close();
});

const get = (url: string, token = hq.http.tokens.hq) => hq.http.app.inject({ url, headers: bearer(token) });

describe('GET /api/v1/floor', () => {
  it('lists what the config says, names null where it gives none', async () => {
    const response = await get('/api/v1/floor');
    expect(response.statusCode).toBe(200);
    const config = hq.scenario.config;
    const body = response.json();
    expect(body).toEqual({
      store: { id: 'zara-nicosia', name: 'Zara, Nicosia (UCY zara01)', timezone: 'Europe/Berlin' },
      units: { length: 'm', time: 'ISO-8601 with the store UTC offset' },
      bounds: { min: [-7, 4.5], max: [7, 21] },
      heatmap: { cell_m: 0.5, origin: [-7, 4.5], cols: 28, rows: 33 },
      zones: config.floor.zones.map((zone) => ({
        id: zone.id,
        name: zone.id === 'till' ? 'Till queue' : null,
        kind: zone.kind,
        polygon: zone.polygon,
      })),
      lines: [
        { id: 'door', name: 'Shop door', from: [1.5, 7.5], to: [1.5, 4.5], entrance: true, mode: 'net' },
        { id: 'pavement', name: null, from: [-4.6, 12], to: [1.5, 12], entrance: false, mode: 'every' },
      ],
      fixtures: [BENCH],
      cameras: [
        { id: 'cam-zara', name: 'Pavement camera', type: 'smart', coverage: null },
        {
          id: 'cam-door',
          name: null,
          type: 'plain',
          coverage: [
            [1, 4.5],
            [4, 4.5],
            [4, 7.5],
          ],
        },
      ],
    });
    expect(body.zones.map((zone: { id: string }) => zone.id)).toContain('stockroom');
  });

  it('gives the grid /heatmap reports on', async () => {
    const floor = (await get('/api/v1/floor')).json() as { heatmap: Record<string, unknown> };
    const heat = (await get('/api/v1/heatmap?from=2025-01-01&to=2025-01-02')).json() as Record<string, unknown>;
    expect(floor.heatmap).toEqual({ cell_m: heat.cell_m, origin: heat.origin, cols: heat.cols, rows: heat.rows });
  });

  it('needs hq:read, and is JSON only', async () => {
    expect((await hq.http.app.inject({ url: '/api/v1/floor' })).statusCode).toBe(401);
    expect((await get('/api/v1/floor', hq.http.tokens.signage)).statusCode).toBe(403);
    expect((await get('/api/v1/floor', hq.http.tokens.admin)).statusCode).toBe(200);
    const csv = await get('/api/v1/floor?format=csv');
    expect(csv.statusCode).toBe(400);
    expect(csv.json()).toMatchObject({ error: { code: 'invalid_parameter', parameter: 'format' } });
  });
});
