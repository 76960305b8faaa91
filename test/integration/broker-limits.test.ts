/**
 * E2E: the broker's protective limits with real sockets — packet size refused from the header (memory
 * measured), total connections, connect timeout, and a stuck subscriber cut off by drainTimeout.
 */
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../broker/helpers/harness.js';
import { connackCode, connectPacket, publishHeader, subscribePacket } from '../broker/helpers/mqtt-bytes.js';
import { waitFor } from '../broker/helpers/wait.js';

let h: Harness;
afterEach(async () => h.stop());

const MB = 1024 * 1024;

/** Opens a raw TCP connection and sends a CONNECT; resolves with the socket once CONNACK 0 arrived. */
async function rawDevice(port: number, id: string, password: string): Promise<Socket> {
  const socket = connectTcp(port, '127.0.0.1');
  socket.on('error', () => undefined); // the broker resets connections it refuses
  await once(socket, 'connect');
  socket.write(connectPacket({ clientId: id, clean: true, username: id, password }));
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  expect(connackCode(chunk)).toBe(0);
  return socket;
}

/** Resolves on 'drain' or 'close' (events.once would reject on the ECONNRESET the broker causes). */
function drainOrClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/**
 * Writes `total` bytes (one reused 64 KiB chunk, so the sender itself allocates nothing) while the peer
 * keeps the socket open, then waits for the broker to close it (a test that expects no close must not
 * use this); returns how many bytes were written before the close.
 */
async function streamUntilClosed(socket: Socket, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let closed = false;
  socket.on('error', () => undefined);
  const whenClosed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  while (sent < total && !closed) {
    if (!socket.write(chunk)) await drainOrClose(socket);
    sent += chunk.length;
  }
  // Everything may fit in the loopback socket buffers before the broker reads the header: then the
  // close comes after the last write. Waiting for it (not a fixed 2 s) keeps a loaded machine green.
  await whenClosed;
  return sent;
}

describe('E2E: packet size', () => {
  it('refuses a 50 MB packet from its fixed header, before buffering it, without memory growth', async () => {
    h = await startHarness(); // max_packet_bytes: 2 MiB (default)
    const s1 = await rawDevice(h.ports.mqtt, 's1', await h.addDevice('s1'));
    const p2 = await h.addDevice('s2');
    const rssBefore = process.memoryUsage().rss;

    s1.write(publishHeader('omo/shelf/s1/temp', 50 * MB));
    const sent = await streamUntilClosed(s1, 50 * MB);
    const growth = process.memoryUsage().rss - rssBefore;

    expect(sent).toBeLessThan(50 * MB);
    expect(growth).toBeLessThan(20 * MB);
    expect(h.refusals).toHaveLength(1);
    expect(h.refusals[0]).toMatchObject({
      deviceId: 's1',
      kind: 'shelf',
      topic: 'omo/shelf/s1/temp',
      reason: 'oversize',
    });
    expect(h.refusals[0]?.detail).toContain('over the 2097152-byte limit');
    expect(await h.metric('omo_broker_refused_total', { reason: 'oversize' })).toBe(1);

    // Other devices are unaffected.
    const s2 = await h.connect({ clientId: 's2', username: 's2', password: p2 });
    await s2.publishAsync('omo/shelf/s2/temp', '{"celsius":3,"ts":1}', { qos: 1 });
    await waitFor('s2 message', () => h.messages.some((m) => m.deviceId === 's2' && m.stream === 'temp'));
  });

  it('accepts a packet just under max_packet_bytes', async () => {
    h = await startHarness({ limits: { max_packet_bytes: 64 * 1024, publish_burst: 10 } });
    const client = await h.connect({ clientId: 's1', username: 's1', password: await h.addDevice('s1') });
    await client.publishAsync('omo/shelf/s1/temp', Buffer.alloc(60 * 1024, 0x20), { qos: 1 });
    await waitFor('the large message', () => h.messages.length === 1);
    expect(h.messages[0]?.payload.length).toBe(60 * 1024);
  });

  it('bounds an unauthenticated CONNECT much lower, and reports it without a device', async () => {
    h = await startHarness();
    const socket = connectTcp(h.ports.mqtt, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write(Buffer.from([0x10, 0x80, 0x80, 0x40])); // CONNECT declaring 1 MiB
    await streamUntilClosed(socket, 4 * MB);
    expect(h.refusals[0]).toMatchObject({ deviceId: null, kind: null, reason: 'oversize' });
    expect(h.refusals[0]?.detail).toContain('over the 8192-byte limit');
  });
});

describe('E2E: connections', () => {
  it("answers CONNACK 3 past max_connections, but admits a device's first connection and a takeover", async () => {
    h = await startHarness({ limits: { max_connections: 2 } });
    const [p1, p2, p3] = [await h.addDevice('s1'), await h.addDevice('s2'), await h.addDevice('s3')];
    await h.connect({ clientId: 's1', username: 's1', password: p1 });
    await h.connect({ clientId: 's2', username: 's2', password: p2 });
    await expect(h.connect({ clientId: 's1:b', username: 's1', password: p1 })).rejects.toMatchObject({ code: 3 });
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'max_connections' })).toBe(1);
    // s3 holds nothing: a full broker must not lock a device of the store out (issue 8 point 2).
    await h.connect({ clientId: 's3', username: 's3', password: p3 });
    // Same client id: the new connection replaces the old one [MQTT-3.1.4-2], so the count does not grow.
    await h.connect({ clientId: 's1', username: 's1', password: p1 });
    await waitFor('takeover done', () => h.broker.connectedCount() === 3);
    expect(await h.metric('omo_broker_auth_failures_total', { reason: 'max_connections' })).toBe(1);
  });

  it('closes a connection that sends no CONNECT within connect_timeout_ms', async () => {
    h = await startHarness({ limits: { connect_timeout_ms: 300 } });
    const socket = connectTcp(h.ports.mqtt, '127.0.0.1');
    // The reason counted says it was the connect timeout that closed it (not keep-alive or an error);
    // how soon is not asserted, since a loaded machine may run the timer late.
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('close', resolve));
    await h.eventually('omo_broker_client_errors_total', { reason: 'connect_timeout' }, 1);
  });

  it('closes a client that pipelines more than queue_limit packets behind its CONNECT', async () => {
    h = await startHarness({ limits: { queue_limit: 5 } });
    const password = await h.addDevice('s1');
    const socket = connectTcp(h.ports.mqtt, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const publish = Buffer.concat([publishHeader('omo/shelf/s1/temp', 2), Buffer.from('{}')]);
    const connect = connectPacket({ clientId: 's1', clean: true, username: 's1', password });
    socket.write(Buffer.concat([connect, ...Array.from({ length: 20 }, () => publish)]));
    await once(socket, 'close');
    await h.eventually('omo_broker_client_errors_total', { reason: 'queue_limit' }, 1);
    expect(h.messages).toEqual([]);
  });

  it('disconnects a subscriber that stops reading after drain_timeout_ms, and traffic goes on', async () => {
    h = await startHarness({ limits: { drain_timeout_ms: 300 } });
    const stuck = await rawDevice(h.ports.mqtt, 's1', await h.addDevice('s1'));
    const other = await h.connect({ clientId: 's2', username: 's2', password: await h.addDevice('s2') });
    stuck.write(subscribePacket('omo/shelf/s1/config', 1));
    const [suback] = (await once(stuck, 'data')) as [Buffer];
    expect(suback[0]).toBe(0x90);
    stuck.pause(); // the device stops reading; its socket buffers fill
    const big = Buffer.alloc(512 * 1024, 0x20);
    const deliveries = Array.from({ length: 64 }, () =>
      h.broker.publish('omo/shelf/s1/config', big).catch(() => undefined),
    );
    await h.eventually('omo_broker_client_errors_total', { reason: 'drain_timeout' }, 1);
    await Promise.all(deliveries);
    await waitFor('the stuck device gone', () => h.broker.connectedCount() === 1);
    await other.publishAsync('omo/shelf/s2/temp', '{"celsius":1,"ts":1}', { qos: 1 });
    await waitFor('other traffic', () => h.messages.some((m) => m.deviceId === 's2' && m.stream === 'temp'));
  });
});
