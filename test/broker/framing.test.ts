import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type OversizePacket, PacketSizeGuard } from '../../src/broker/framing.js';
import { MAX_CONNECT_BYTES } from '../../src/broker/limits.js';
import { connectPacket, publishHeader } from './helpers/mqtt-bytes.js';

/** A fake socket: bytes pushed into it come out of the guard; bytes written to the guard are collected. */
function setup(maxPacketBytes: number) {
  const written: Buffer[] = [];
  const inner = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      callback();
    },
  });
  const oversize: OversizePacket[] = [];
  const guard = new PacketSizeGuard(inner, maxPacketBytes, (packet) => oversize.push(packet));
  const passed: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => passed.push(chunk));
  guard.on('error', () => undefined);
  return { inner, guard, written, oversize, passed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A valid stream: CONNECT, then PUBLISHes with 0, 127, 128 and 20,000-byte payloads, and a PINGREQ. */
function validStream(): Buffer {
  const parts: Buffer[] = [connectPacket({ clientId: 's1', clean: true, username: 's1', password: 'p' })];
  for (const size of [0, 127, 128, 20_000]) parts.push(publishHeader('omo/shelf/s1/temp', size), Buffer.alloc(size, 7));
  parts.push(Buffer.from([0xc0, 0x00]));
  return Buffer.concat(parts);
}

describe('PacketSizeGuard', () => {
  it('passes a valid stream through unchanged, however it is split into chunks', async () => {
    const bytes = validStream();
    for (const chunkSize of [1, 2, 3, 7, 64, 4096, bytes.length]) {
      const { inner, passed, oversize, guard } = setup(64 * 1024);
      for (let i = 0; i < bytes.length; i += chunkSize) inner.push(bytes.subarray(i, i + chunkSize));
      await tick();
      expect(Buffer.concat(passed).equals(bytes)).toBe(true);
      expect(oversize).toEqual([]);
      expect(guard.destroyed).toBe(false);
    }
  });

  it('refuses a packet from its header, naming size, limit and topic, and closes', async () => {
    const { inner, passed, oversize, guard } = setup(1024);
    inner.push(connectPacket({ clientId: 's1', clean: true }));
    inner.push(publishHeader('omo/shelf/s1/temp', 50 * 1024 * 1024));
    await tick();
    expect(oversize).toEqual([
      { type: 3, declaredBytes: 1 + 4 + 19 + 50 * 1024 * 1024, limit: 1024, topic: 'omo/shelf/s1/temp' },
    ]);
    expect(guard.destroyed).toBe(true);
    expect(inner.destroyed).toBe(true);
    expect(Buffer.concat(passed).length).toBe(connectPacket({ clientId: 's1', clean: true }).length);
  });

  it('refuses a header split across chunks just the same, even before the topic has arrived', async () => {
    const { inner, oversize } = setup(1024);
    inner.push(connectPacket({ clientId: 's1', clean: true }));
    const header = publishHeader('omo/shelf/s1/temp', 5000);
    inner.push(header.subarray(0, 2));
    await tick();
    expect(oversize).toEqual([]);
    inner.push(header.subarray(2, 3));
    await tick();
    expect(oversize).toMatchObject([{ type: 3, limit: 1024, topic: '' }]);
  });

  it('holds the first packet (CONNECT) to the small pre-authentication bound', async () => {
    const { inner, oversize } = setup(1024 * 1024);
    inner.push(Buffer.from([0x10, 0x80, 0x80, 0x01])); // CONNECT declaring 16 KiB
    await tick();
    expect(oversize).toMatchObject([{ type: 1, limit: MAX_CONNECT_BYTES }]);
  });

  it('closes on a remaining length longer than four bytes [MQTT-2.2.3]', async () => {
    const { inner, guard, oversize } = setup(1024 * 1024);
    const errors: Error[] = [];
    guard.on('error', (error) => errors.push(error));
    inner.push(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await tick();
    expect(oversize).toEqual([]);
    expect(guard.destroyed).toBe(true);
    expect(errors[0]?.message).toBe('malformed remaining length in MQTT fixed header');
  });

  it('writes through to the socket', async () => {
    const { guard, written } = setup(1024);
    guard.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    await tick();
    expect(Buffer.concat(written)).toEqual(Buffer.from([0x20, 0x02, 0x00, 0x00]));
  });
});
