/**
 * E2E: live occupancy reaches the screens (issue 3 "Live"). A camera publishes tracks to a real
 * gateway; a signage screen subscribed to omo/gateway/occupancy/+ gets the retained count per zone, the
 * same figures as GET /api/v1/occupancy; a shelf scale, whose profile reads no store context, is refused.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, startGateway, waitFor } from '../helpers/gateway.js';

const yaml = `
store: { id: occupancy-store }
gateway: { id: occupancy-gw, log_level: warn }
ingest: { watermark_s: 1 }
floor:
  bounds: { min: [0, 0], max: [20, 10] }
  zones:
    - { id: shop, kind: area, polygon: [[0, 0], [10, 0], [10, 10], [0, 10]] }
    - { id: street, kind: area, polygon: [[10, 0], [20, 0], [20, 10], [10, 10]] }
devices:
  - { id: cam-1, kind: camera, camera: { type: smart } }
`;

let gw: GatewayUnderTest;
let camera: MqttClient;

beforeAll(async () => {
  gw = await startGateway({ yaml });
  camera = await gw.connectDevice('cam-1', await gw.addDevice('cam-1', 'camera'));
});
afterAll(async () => {
  await gw?.stop();
});

describe('E2E: live occupancy over MQTT', () => {
  it('gives a screen the retained count per zone, as the API does; refuses a scale', async () => {
    // Two people in the shop, one in the street, for three seconds of event time ending now.
    const start = Date.now() - 3000;
    for (let i = 0; i <= 15; i++) {
      const people = [
        { id: '1', x: 2, y: 2 },
        { id: '2', x: 4, y: 6 },
        { id: '3', x: 15, y: 5 },
      ];
      await camera.publishAsync(
        'omo/camera/cam-1/tracks',
        JSON.stringify({ ts: start + i * 200, space: 'floor', people }),
        {
          qos: 1,
        },
      );
    }
    await waitFor(
      async () => {
        const response = await gw.http('/api/v1/occupancy', { token: gw.adminToken });
        const body = (await response.json()) as { items: { zone: string; count: number }[] };
        return body.items.find((z) => z.zone === 'shop')?.count === 2 ? body : undefined;
      },
      10_000,
      'occupancy in the API',
    );

    const screen = await gw.connectDevice('screen-1', await gw.addDevice('screen-1', 'signage'));
    const received = new Map<string, { zone: string; count: number; retain: boolean }>();
    screen.on('message', (topic, payload, packet) => {
      received.set(topic, {
        ...(JSON.parse(payload.toString()) as { zone: string; count: number }),
        retain: packet.retain,
      });
    });
    const granted = await screen.subscribeAsync('omo/gateway/occupancy/+', { qos: 0 });
    expect(granted[0]?.qos).toBe(0);
    await waitFor(() => received.size === 2, 5000, 'retained occupancy for both zones');
    expect(received.get('omo/gateway/occupancy/shop')).toMatchObject({ zone: 'shop', count: 2, retain: true });
    expect(received.get('omo/gateway/occupancy/street')).toMatchObject({ zone: 'street', count: 1, retain: true });

    const scale = await gw.connectDevice('scale-1', await gw.addDevice('scale-1', 'shelf'));
    // SUBACK 0x80: mqtt.js turns a refused grant into an error.
    await expect(scale.subscribeAsync('omo/gateway/occupancy/+', { qos: 0 })).rejects.toThrow(/Subscribe error/);
  });
});
