/**
 * E2E: a cloud broker that accepts the uplink and then kicks it (here: another client taking over the
 * same client id, as a second gateway with a copied gateway.id would) must not be retried at the
 * minimum delay forever (ARCHITECTURE §11: reconnect with backoff and jitter). The backoff may start
 * again from the floor only after a connection has held; each quick kick widens the window.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, setLogLevel } from '../../src/log.js';
import { Backoff } from '../../src/uplink/backoff.js';
import { UplinkConnection } from '../../src/uplink/connection.js';
import { waitFor } from '../helpers/gateway.js';
import { Mosquitto } from '../helpers/mosquitto.js';

setLogLevel('silent');
let broker: Mosquitto;

beforeAll(async () => {
  broker = await Mosquitto.launch();
});
afterAll(async () => {
  await broker?.dispose();
});

describe('E2E: uplink kicked right after every CONNACK', () => {
  it('keeps widening its backoff instead of resetting it on each short-lived connection', async () => {
    // random() = 1: every delay is the top of its window, so the window's growth is visible.
    const backoff = new Backoff(20, 2000, () => 1);
    let connects = 0;
    const takeover = async () => {
      const intruder = await mqtt.connectAsync(broker.url, { clientId: 'gw-dup', reconnectPeriod: 0 });
      await intruder.endAsync();
    };
    const connection = new UplinkConnection(
      broker.url,
      broker.url,
      { clientId: 'gw-dup', reconnectPeriod: 0, protocolVersion: 5, clean: true },
      backoff,
      {
        connected: () => {
          connects += 1;
          void takeover();
        },
        disconnected: () => {},
        message: () => {},
      },
      createLogger('omo:test'),
    );
    connection.start();
    try {
      await waitFor(() => connects >= 4, 20_000, 'four connections, each taken over');
      // Reset on CONNACK would leave one attempt per loss; holding the reset until a connection has
      // lasted means the kicks add up: 20, 40, 80 ms … windows.
      expect(backoff.attempts).toBeGreaterThanOrEqual(3);
    } finally {
      await connection.stop(async () => {});
    }
  });
});
