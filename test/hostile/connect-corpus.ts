/**
 * Connect-level attacks (issue 8): each with the answer MQTT 3.1.1 gives it — a CONNACK return code or
 * a closed connection — and the counter that must grow by exactly one (or `count`). None of them may
 * write a dead-letter row: the table is evidence about the store's devices, and these are not devices.
 */
import { once } from 'node:events';
import { connackCode, connectPacket, publishHeader } from '../broker/helpers/mqtt-bytes.js';
import { ATTACKER_ADDRESS, CONNECT_BURST, closed, FLOOD_ADDRESS, MALLORY, type Rig, VALID } from './rig.js';

export interface ConnectAttack {
  name: string;
  /** What the attacker saw: a CONNACK code, or 'closed'. */
  run(rig: Rig): Promise<number | 'closed'>;
  outcome: number | 'closed';
  metric: [name: string, labels: Record<string, string>, count?: number];
}

const CONNACK = { protocol: 1, identifier: 2, unavailable: 3, credentials: 4, notAuthorized: 5 };

const code = async (rig: Rig, options: Parameters<Rig['connectFrom']>[1]) => {
  const { code, client } = await rig.connectFrom(ATTACKER_ADDRESS, options);
  await client?.endAsync(true);
  return code;
};

/** Sends raw bytes from the attacker's address and waits for the broker to close the connection. */
const rawUntilClosed = async (rig: Rig, bytes: Buffer[]): Promise<'closed'> => {
  const socket = await rig.socketFrom(ATTACKER_ADDRESS);
  for (const chunk of bytes) socket.write(chunk);
  await closed(socket);
  return 'closed';
};

/** Sends a raw CONNECT (what mqtt.js refuses to send) and returns the CONNACK code. */
const rawConnack = async (rig: Rig, packet: Buffer): Promise<number> => {
  const socket = await rig.socketFrom(ATTACKER_ADDRESS);
  socket.write(packet);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return connackCode(chunk) ?? -1;
};

const failures = (reason: string): ConnectAttack['metric'] => ['omo_broker_auth_failures_total', { reason }];

export const connectAttacks: ConnectAttack[] = [
  {
    name: 'an unknown device id',
    run: (rig) => code(rig, { clientId: 'ghost', username: 'ghost', password: 'guess' }),
    outcome: CONNACK.credentials,
    metric: failures('unknown_device'),
  },
  {
    name: "a wrong password for the valid device's id",
    run: (rig) => code(rig, { clientId: `${VALID}:probe`, username: VALID, password: 'guess' }),
    outcome: CONNACK.credentials,
    metric: failures('bad_password'),
  },
  {
    name: 'no password',
    run: (rig) => code(rig, { clientId: MALLORY, username: MALLORY }),
    outcome: CONNACK.credentials,
    metric: failures('bad_password'),
  },
  {
    name: 'no username (anonymous)',
    run: (rig) => code(rig, { clientId: 'anon' }),
    outcome: CONNACK.notAuthorized,
    metric: failures('anonymous'),
  },
  {
    name: "mallory's credentials under the valid device's client id (a session takeover)",
    run: (rig) => code(rig, { clientId: VALID, username: MALLORY, password: rig.malloryPassword }),
    outcome: CONNACK.identifier,
    metric: failures('client_id_mismatch'),
  },
  {
    name: 'a client id over max_client_id_length',
    run: (rig) =>
      code(rig, { clientId: `${MALLORY}:${'x'.repeat(200)}`, username: MALLORY, password: rig.malloryPassword }),
    outcome: CONNACK.identifier,
    metric: failures('client_id_length'),
  },
  {
    name: 'an empty client id with a persistent session [MQTT-3.1.3-7]',
    run: (rig) =>
      rawConnack(rig, connectPacket({ clientId: '', clean: false, username: MALLORY, password: rig.malloryPassword })),
    outcome: CONNACK.identifier,
    metric: failures('empty_client_id'),
  },
  {
    name: "a last will on the valid device's status topic",
    run: (rig) =>
      code(rig, {
        clientId: MALLORY,
        username: MALLORY,
        password: rig.malloryPassword,
        will: {
          topic: `omo/shelf/${VALID}/status`,
          payload: Buffer.from('{"status":"offline"}'),
          qos: 0,
          retain: true,
        },
      }),
    outcome: CONNACK.notAuthorized,
    metric: failures('will_acl'),
  },
  {
    name: 'an MQTT 5 CONNECT',
    run: (rig) =>
      code(rig, { clientId: MALLORY, username: MALLORY, password: rig.malloryPassword, protocolVersion: 5 }),
    outcome: CONNACK.protocol,
    metric: failures('unsupported_protocol'),
  },
  {
    name: "a session past max_sessions_per_device with one device's credentials",
    async run(rig) {
      // The suite's own mallory connection holds one session; this holds the second.
      const { client: second } = await rig.connectFrom(ATTACKER_ADDRESS, {
        clientId: `${MALLORY}:1`,
        username: MALLORY,
        password: rig.malloryPassword,
      });
      const third = await code(rig, { clientId: `${MALLORY}:3`, username: MALLORY, password: rig.malloryPassword });
      await second?.endAsync(true);
      return third;
    },
    outcome: CONNACK.unavailable,
    metric: failures('device_sessions'),
  },
  {
    name: 'a CONNECT declaring 1 MiB (over the 8 KiB bound before authentication)',
    run: (rig) => rawUntilClosed(rig, [Buffer.from([0x10, 0x80, 0x80, 0x40])]),
    outcome: 'closed',
    metric: ['omo_ingest_refused_total', { reason: 'oversize' }],
  },
  {
    name: 'a PUBLISH before CONNECT',
    run: (rig) => rawUntilClosed(rig, [publishHeader(`omo/shelf/${VALID}/weight`, 4), Buffer.from('{}{}')]),
    outcome: 'closed',
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
  },
  {
    name: 'HTTP spoken to the MQTT port',
    run: (rig) => rawUntilClosed(rig, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]),
    outcome: 'closed',
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
  },
  {
    name: 'a second CONNECT on an open connection [MQTT-3.1.0-2]',
    async run(rig) {
      const connect = connectPacket({
        clientId: `${MALLORY}:twice`,
        clean: true,
        username: MALLORY,
        password: rig.malloryPassword,
      });
      const socket = await rig.socketFrom(ATTACKER_ADDRESS);
      socket.write(connect);
      await once(socket, 'data'); // CONNACK 0
      socket.write(connect);
      await closed(socket);
      return 'closed';
    },
    outcome: 'closed',
    metric: ['omo_broker_client_errors_total', { reason: 'protocol' }],
  },
  {
    name: 'a socket that never sends CONNECT (slowloris)',
    run: (rig) => rawUntilClosed(rig, []),
    outcome: 'closed',
    metric: ['omo_broker_client_errors_total', { reason: 'connect_timeout' }],
  },
  {
    name: `a burst of ${CONNECT_BURST + 50} sockets from one address`,
    async run(rig) {
      const sockets = await Promise.all(
        Array.from({ length: CONNECT_BURST + 50 }, () => rig.socketFrom(FLOOD_ADDRESS)),
      );
      // Past the address's burst each is closed on accept; the first 100 wait for their connect timeout.
      await Promise.all(sockets.map(closed));
      return 'closed';
    },
    outcome: 'closed',
    metric: ['omo_broker_connect_rate_limited_total', {}, 50],
  },
];
